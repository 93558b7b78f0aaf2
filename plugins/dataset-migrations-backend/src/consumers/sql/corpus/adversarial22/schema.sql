-- Probes of the twenty-third round (2026-12-06): operators and functions chosen
-- by the types of other fields (jsonb, inet, date) and of the database's own
-- functions, CTEs named like the dataset's new name, prepared statements,
-- JSON keys named by columns, quoting and lexical corners.
CREATE TABLE t (id integer, n integer, s smallint, name text, j jsonb, ip inet, d date);
INSERT INTO t VALUES
  (1, 3, 3, 'Ann', '[10, 20, 30, 40]', '10.0.0.1', '2026-01-10'),
  (2, 1, 1, 'bob', '[5, 6]', '10.0.0.2', '2026-02-01'),
  (3, 2, 2, 'Cy', '[7, 8, 9]', '192.168.1.1', '2026-03-05'),
  (4, NULL, NULL, 'dee', NULL, NULL, NULL);
CREATE TABLE u (id integer, v integer, label text);
INSERT INTO u VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z'), (5, 50, 'w');
