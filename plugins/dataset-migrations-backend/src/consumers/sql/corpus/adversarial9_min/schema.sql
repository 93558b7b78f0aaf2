-- Ninth round (2026-12-04): attacks on the eighth round's relaxations (NATURAL JOIN
-- with a known CTE or subquery, `*` over JOIN … USING spelled out, a new name's
-- owner among known outputs). u has kk and x, the names migrations introduce;
-- w has neither. Duplicate k values, NULLs and an unmatched id make differences show.
CREATE TABLE t (id integer, k integer, n integer, s text, d date);
INSERT INTO t VALUES
  (1, 10, 5, 'a', '2024-01-01'),
  (2, 20, 7, 'b', '2024-02-01'),
  (3, 30, 11, NULL, '2024-03-01'),
  (4, 30, -3, 'd', NULL);
CREATE TABLE u (id integer, kk integer, x integer, label text);
INSERT INTO u VALUES
  (1, 10, 100, 'one'),
  (2, 21, 200, 'two'),
  (3, 30, 300, NULL),
  (5, 50, 500, 'five');
CREATE TABLE w (wid integer, label text);
INSERT INTO w VALUES (10, 'ten'), (20, 'twenty'), (30, 'thirty'), (21, 'twenty-one');
