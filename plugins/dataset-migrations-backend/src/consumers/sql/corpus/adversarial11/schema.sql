-- Eleventh round (2026-12-05): window frames, GROUPING SETS/ROLLUP/CUBE, LATERAL,
-- JSON/JSONB operators and subscripts, arrays and unnest, ranges, DISTINCT ON,
-- FILTER, set operations mixing types, || and format()/to_char over retyped
-- fields, comparisons with literals, integer division, ordinals, USING and
-- NATURAL joins, quoted names, CTE column lists, INSERT … SELECT *, rows and
-- composite access. u has kk and label, names migrations introduce; archive has
-- t's columns.
CREATE TABLE t (
  id integer,
  k integer,
  n integer,
  sm smallint,
  p numeric(10,2),
  s varchar(10),
  c char(4),
  d date,
  j jsonb,
  tags text[],
  nums integer[],
  "Qty" integer,
  amt integer
);
INSERT INTO t VALUES
  (1, 10, 5, 1, 1.50, 'a', 'ab', '2024-01-01', '{"a": 1, "b": {"c": "x"}}', '{red,blue}', '{1,2,3}', 3, 100),
  (2, 20, 7, 2, 2.25, 'b', 'cd', '2024-02-29', '{"a": 2, "b": {"c": "y"}}', '{blue}', '{4}', 1, 200),
  (3, 30, 11, 3, NULL, NULL, 'e', '2024-03-01', '{"a": null}', '{}', '{}', NULL, 300),
  (4, 30, -3, 2, 4.00, 'd', NULL, NULL, '[1, 2]', NULL, NULL, 7, NULL),
  (5, 10, 8, 1, 0.10, 'a', 'ab', '2024-01-15', '{"a": "3"}', '{green,red}', '{5,6}', 2, 500);
CREATE TABLE u (id integer, kk integer, label text, m integer);
INSERT INTO u VALUES
  (1, 10, 'one', 5),
  (2, 21, 'two', 7),
  (3, 30, NULL, 100),
  (6, 60, 'six', -3);
CREATE TABLE archive (LIKE t);
