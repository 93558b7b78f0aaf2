-- Probes of the twenty-sixth round (2026-12-06): bit operators and math
-- functions over a widened integer, casts it has no counterpart of, whole-row
-- tests under an added or dropped field, SQL given to functions as a string,
-- DDL and triggers on the dataset, ON CONFLICT's EXCLUDED.
CREATE TABLE t (id integer PRIMARY KEY, n integer, s smallint, name text, d date, j jsonb, price numeric(8,2));
INSERT INTO t VALUES
  (1, 3, 3, 'Ann', '2026-01-10', '{"a": 1}', 10.50),
  (2, -1, 1, 'bob', '2026-02-01', '{"a": 2}', 3.25),
  (3, 12, -2, 'Cy', '2026-03-05', '{"a": 3}', 7.00),
  (4, NULL, NULL, 'dee', NULL, NULL, NULL),
  (5, -7, 9, 'Eve', '2026-01-20', '{"a": 5}', 1.10),
  (6, 6, 4, 'fay', '2026-02-11', '{"a": 6}', 2.00);
CREATE TABLE u (id integer, v integer, label text);
INSERT INTO u VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z'), (5, 50, 'w');
-- A copy of t with t's columns and rows, as a backup or staging table a diff compares with.
CREATE TABLE tb (id integer, n integer, s smallint, name text, d date, j jsonb, price numeric(8,2));
INSERT INTO tb SELECT * FROM t WHERE id <> 6;
INSERT INTO tb VALUES (6, 7, 4, 'fay', '2026-02-11', '{"a": 6}', 2.00);
