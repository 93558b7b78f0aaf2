-- Minimal cases found in the twenty-third round (2026-12-06): a widened integer
-- beside another field of the dataset that is no number (`j - n` with j jsonb,
-- `ip + n` with ip inet), given to a function or operator of the database's own
-- (a user's, not PostgreSQL's: `f(smallint)` takes no integer), and a CTE
-- named like the dataset's new name with a comment before its AS, which the
-- rename's reference then read in place of the table.
CREATE TABLE t (id integer, n integer, s smallint, j jsonb, ip inet);
INSERT INTO t VALUES
  (1, 3, 3, '[10, 20, 30, 40]', '10.0.0.1'),
  (2, 1, 1, '[5, 6]', '10.0.0.2'),
  (3, 2, 2, '[7, 8, 9]', '192.168.1.1'),
  (4, NULL, NULL, NULL, NULL);
CREATE TABLE u (id integer, v integer);
INSERT INTO u VALUES (1, 10), (2, 20), (3, 30), (5, 50);
