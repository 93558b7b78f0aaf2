-- Probes of the twenty-fifth round (2026-12-06): names a rename or an added
-- field makes resolve elsewhere (GROUP BY's input names before output names, a
-- table alias read as a whole row), relations and fields named in strings that
-- catalog functions read, DO blocks and writes read back, and unknown literals
-- compared with a retyped field.
CREATE TABLE t (id integer, n integer, s smallint, name text, d date, j jsonb, price numeric(8,2));
INSERT INTO t VALUES
  (1, 3, 3, 'Ann', '2026-01-10', '{"a": 1, "tags": [10, 20, 30, 40]}', 10.50),
  (2, 1, 1, 'bob', '2026-02-01', '{"a": 2, "tags": [5, 6]}', 3.25),
  (3, 12, 2, 'Cy', '2026-03-05', '{"a": 3, "tags": [7, 8, 9]}', 7.00),
  (4, NULL, NULL, 'dee', NULL, NULL, NULL),
  (5, 7, 9, 'Eve', '2026-01-20', '{"a": 5, "tags": []}', 1.10),
  (6, 6, 4, 'fay', '2026-02-11', '{"a": 6}', 2.00);
CREATE TABLE u (id integer, v integer, label text);
INSERT INTO u VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z'), (5, 50, 'w');
