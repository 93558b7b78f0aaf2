-- Sixteenth round (2026-12-05): a widened or retyped field whose type a construct
-- resolves from several inputs or passes on (greatest/least, CASE, COALESCE, UNION,
-- ARRAY[...], ordered-set aggregates, sum over bigint), operators whose meaning
-- depends on the integer's width (shifts, bitwise), arrays widened under @>, && and
-- =, real widened to double precision under ::numeric, ::text and sum, varchar
-- beside char under CASE/UNION/COALESCE, whole rows turned into JSON and read back
-- by key or into another row type, SQL inside strings run by query_to_xml, INSERT
-- ... SELECT * whose columns are matched by position.
CREATE TABLE t (
  id integer,
  k integer,
  n integer,
  m smallint,
  p numeric(10,2),
  s varchar(10),
  c char(5),
  f real,
  arr integer[]
);
INSERT INTO t VALUES
  (1, 10, 3, 7, 1.25, 'alpha', 'ab', 1.1, '{1,2}'),
  (2, 20, 5, -4, 2.50, 'beta', 'ab  ', 2.5, '{2,3}'),
  (3, 30, 4, 0, 10.10, 'xyz', 'xyz', 0.1, '{3}'),
  (4, 30, 6, 12, NULL, NULL, 'q', NULL, NULL);
CREATE TABLE u (id integer, n integer, s text, label text);
INSERT INTO u VALUES (1, 3, 'alpha', 'one'), (2, 7, 'b', 'two'), (3, 4, 'xyz', 'three');
CREATE TABLE w (
  id integer,
  k integer,
  n integer,
  m smallint,
  p numeric(10,2),
  s varchar(10),
  c char(5),
  f real,
  arr integer[]
);
