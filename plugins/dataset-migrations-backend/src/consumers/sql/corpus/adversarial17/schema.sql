-- Eighteenth round (2026-12-05): recursive CTEs (SEARCH, CYCLE, path arrays),
-- MATERIALIZED CTEs and CTE column lists, LATERAL functions, correlated subqueries,
-- NOT IN / NOT EXISTS, row comparisons, VALUES joined to the dataset, date and
-- char(n) retypes under functions, FETCH FIRST … WITH TIES, TABLE t, whole rows,
-- varchar beside char(n) (row 9: s 'ab ' with a trailing space, c 'ab').
CREATE TABLE t (
  id integer,
  parent integer,
  k integer,
  n integer,
  m smallint,
  p numeric(10,2),
  s varchar(10),
  c char(5),
  d date,
  ts timestamp
);
INSERT INTO t VALUES
  (1, NULL, 10, 3, 7, 1.25, 'alpha', 'ab', '2024-01-05', '2024-01-05 10:00'),
  (2, 1, 20, 5, -4, 2.50, 'beta', 'abc  ', '2024-01-06', '2024-01-06 23:30'),
  (3, 1, 30, 4, 0, 10.10, 'xyz', 'x', '2024-02-01', '2024-02-01 00:00'),
  (4, 2, 30, 6, 12, NULL, NULL, NULL, '2024-02-29', '2024-02-29 12:00'),
  (5, 4, 10, 3, 7, 3.00, 'alpha', 'ab', NULL, NULL),
  (6, 5, 40, 7, 1, 0.50, 'gamma', 'g', '2024-03-31', '2024-03-31 01:15'),
  (7, NULL, 50, 9, 3, 7.75, 'delta', 'del', '2023-12-31', '2023-12-31 23:59'),
  (8, 7, 20, 2, 2, 4.00, 'beta', 'b', '2024-01-15', '2024-01-15 08:00'),
  (9, 8, 60, 8, 5, 1.00, 'ab ', 'ab', '2024-01-20', '2024-01-20 00:00');
CREATE TABLE u (id integer, x integer, label text);
INSERT INTO u VALUES (1, 100, 'one'), (2, 200, 'two'), (3, 300, 'three'), (9, 900, 'nine');
