-- Eighth round (2026-12-04): minimal cases of over-caution made safe, with near misses.
CREATE TABLE t (id integer, k integer, n integer, s text, d date);
INSERT INTO t VALUES
  (1, 10, 5, 'a', '2024-01-01'),
  (2, 20, 7, 'b', '2024-02-01'),
  (3, 30, 11, 'c', '2024-03-01'),
  (4, 30, -3, 'd', '2024-03-05');
CREATE TABLE u (id integer, kk integer, x integer, label text);
INSERT INTO u VALUES
  (1, 10, 100, 'one'),
  (2, 21, 200, 'two'),
  (3, 30, 300, 'three'),
  (5, 50, 500, 'five');
