-- Seventh adversarial round (2026-12-03): minimal cases.
CREATE TABLE t (id integer, k integer, n integer, s text, v varchar(10), p numeric(10,2), "Amount" integer, d date, grp text);
INSERT INTO t VALUES
  (1, 10, 5, 'a', 'x', 10.50, 100, '2024-01-01', 'g1'),
  (2, 20, 7, 'b', 'y', 3.25, 200, '2024-02-01', 'g1'),
  (3, 30, 11, 'c', 'z', 7.00, 300, '2024-03-01', 'g2'),
  (4, 30, -3, 'd', 'w', 1.10, 400, '2024-03-05', 'g2');
CREATE TABLE u (id integer, kk integer, x integer, label text, d date);
INSERT INTO u VALUES
  (1, 10, 100, 'one', '2024-01-01'),
  (2, 21, 200, 'two', '2024-02-01'),
  (3, 30, 300, 'three', '2024-03-02'),
  (5, 50, 500, 'five', '2024-05-01');
CREATE TABLE log (id integer, k integer, n integer, s text, v varchar(10), p numeric(10,2), "Amount" integer, d date, grp text);
INSERT INTO log VALUES (9, 90, 9, 'q', 'r', 1.00, 9, '2024-09-09', 'g9');
