-- Tenth round (2026-12-04): one minimal reproduction per class adversarial10/ and
-- pagila/ found wrong (and near misses that must stay right), on adversarial10/'s
-- tables and migrations.
CREATE TABLE t (
  id integer,
  k integer,
  n integer,
  p numeric(10,2),
  s varchar(10),
  c char(4),
  d date,
  j jsonb,
  tags text[],
  amt integer,
  "Amt" integer
);
INSERT INTO t VALUES
  (1, 10, 5, 1.50, 'a', 'ab', '2024-01-01', '{"a": 1, "b": {"c": "x"}}', '{red,blue}', 100, 1),
  (2, 20, 7, 2.25, 'b', 'cd', '2024-02-29', '{"a": 2, "b": {"c": "y"}}', '{blue}', 200, 2),
  (3, 30, 11, NULL, NULL, 'e', '2024-03-01', '{"a": null}', '{}', 300, 3),
  (4, 30, -3, 4.00, 'd', NULL, NULL, '[1, 2]', NULL, NULL, 4),
  (5, 10, 8, 0.10, 'a', 'ab', '2024-01-15', '{"a": "3"}', '{green,red}', 500, NULL);
CREATE TABLE u (id integer, kk integer, label text, m integer);
INSERT INTO u VALUES
  (1, 10, 'one', 5),
  (2, 21, 'two', 7),
  (3, 30, NULL, 100),
  (6, 60, 'six', -3);
