-- Probes of the twenty-second round (2026-12-06): the dataset's row type named as
-- a type, set-returning functions in FROM fed a field, system columns, TABLE.
CREATE TABLE t (id integer, n integer, s smallint, name text, j jsonb);
INSERT INTO t VALUES
  (1, 3, 3, 'Ann', '{"n": 1, "k": [1, 2]}'),
  (2, 7, 1, 'bob', '{"n": 2, "k": [3]}'),
  (3, 5, 2, 'Cy', '{"n": 3}'),
  (4, NULL, NULL, 'dee', NULL);
CREATE TABLE u (id integer, v integer);
INSERT INTO u VALUES (1, 10), (2, 20), (3, 30), (5, 50);
