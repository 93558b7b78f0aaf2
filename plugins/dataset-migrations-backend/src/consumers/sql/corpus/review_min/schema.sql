-- Cases a cold review of the third and fourth rounds' fixes found or checked.
CREATE TABLE t (id integer, k integer, n integer, s varchar(10));
INSERT INTO t VALUES (1, 1, 5, 'a'), (2, 2, 7, 'b'), (3, 3, 11, 'c');
CREATE TABLE u (id integer, k integer, x integer);
INSERT INTO u VALUES (1, 1, 10), (2, 2, 20), (3, 3, 30);
