-- Fourth adversarial round (2026-12): written to break the rewriter.
CREATE TABLE t (id integer, k integer, n integer, s varchar(10), d date, q smallint, p numeric(10,2));
INSERT INTO t VALUES
  (1, 10, 5, 'ab', '2024-01-11', 3, 1.00),
  (2, 20, 7, 'abc', '2024-02-02', 4, 2.50),
  (3, 30, 11, 'Ab', '2024-03-21', 5, 3.10),
  (4, 40, -2, 'b', '2024-04-01', 6, 4.00),
  (5, NULL, 8, NULL, NULL, 7, 0.70);
CREATE TABLE u (id integer PRIMARY KEY, k integer, x integer, t integer);
INSERT INTO u VALUES (1, 100, 1, 11), (2, 200, 2, 12), (3, 300, 3, 13), (4, 400, 4, 14);
CREATE TABLE r (code integer, label text);
INSERT INTO r VALUES (100, 'a'), (200, 'b'), (300, 'c'), (400, 'd');
