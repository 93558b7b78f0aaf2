-- Seventeenth round (2026-12-05), focused cases: a file that makes a relation or a
-- type under the name a migration gives the dataset, by other statements than
-- CREATE TABLE/VIEW/… AS (ALTER … RENAME TO, CREATE SEQUENCE, CREATE TYPE, CREATE
-- INDEX), before or after it reads the dataset; a relation the file made from the
-- dataset, then renamed.
CREATE TABLE t (id integer, k integer, n integer);
INSERT INTO t VALUES (1, 10, 3), (2, 20, 5), (3, 30, 4);
CREATE TABLE u (id integer, x integer);
INSERT INTO u VALUES (1, 100), (2, 200), (3, 300);
