-- Seventeenth round (2026-12-05): GROUP BY ROLLUP/CUBE/GROUPING SETS over renamed,
-- widened and added fields (an output alias inside a grouping set that a migration
-- makes a column's name, ordinals, grouping(), FILTER, expressions matched between
-- the select list and the grouping set), a field read in functional notation
-- (`n(t)`, the same as `t.n`), and other classes no earlier round tried.
CREATE TABLE t (
  id integer,
  k integer,
  n integer,
  m smallint,
  p numeric(10,2),
  s varchar(10),
  d date
);
INSERT INTO t VALUES
  (1, 10, 3, 7, 1.25, 'alpha', '2024-01-05'),
  (2, 20, 5, -4, 2.50, 'beta', '2024-01-06'),
  (3, 30, 4, 0, 10.10, 'xyz', '2024-02-01'),
  (4, 30, 6, 12, NULL, NULL, '2024-02-29'),
  (5, 10, 3, 7, 3.00, 'alpha', NULL);
CREATE TABLE u (id integer, x integer, label text);
INSERT INTO u VALUES (1, 100, 'one'), (2, 200, 'two'), (3, 300, 'three');
