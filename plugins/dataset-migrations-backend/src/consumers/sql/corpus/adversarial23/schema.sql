-- Probes of the twenty-fourth round (2026-12-06): SQL/JSON and XML constructors
-- naming keys and tags by identifiers, ORDER BY and window keys beside output
-- names, composite field access, aggregates' ORDER BY and FILTER under a
-- retype, SQL-syntax functions (SUBSTRING … FROM … FOR, OVERLAY, POSITION),
-- writes through INSERT … SELECT and reads of them, and whole rows as JSON.
CREATE TABLE t (id integer, n integer, s smallint, name text, d date, j jsonb, price numeric(8,2));
INSERT INTO t VALUES
  (1, 3, 3, 'Ann', '2026-01-10', '{"a": 1, "tags": [10, 20, 30, 40]}', 10.50),
  (2, 1, 1, 'bob', '2026-02-01', '{"a": 2, "tags": [5, 6]}', 3.25),
  (3, 12, 2, 'Cy', '2026-03-05', '{"a": 3, "tags": [7, 8, 9]}', 7.00),
  (4, NULL, NULL, 'dee', NULL, NULL, NULL),
  (5, 7, 9, 'Eve', '2026-01-20', '{"a": 5, "tags": []}', 1.10);
CREATE TABLE u (id integer, v integer, label text);
INSERT INTO u VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z'), (5, 50, 'w');
