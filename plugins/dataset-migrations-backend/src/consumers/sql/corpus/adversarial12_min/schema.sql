-- The twelfth round's reproductions: a dataset named by a Unicode-escaped
-- identifier (U&"\0074", also with UESCAPE), and a dataset whose name ends in a
-- letter outside ASCII (café), which a search for it as a \b-bounded word did
-- not find: both were called unaffected.
CREATE TABLE t (id integer, k integer, n integer);
INSERT INTO t VALUES (1, 10, 5), (2, 20, 7), (3, 30, 11);
CREATE TABLE café (id integer, k integer, été integer);
INSERT INTO café VALUES (1, 10, 7), (2, 20, 9), (4, 40, 3);
