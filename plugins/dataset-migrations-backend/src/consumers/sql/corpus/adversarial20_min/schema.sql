-- Minimal cases found in the twenty-first round (2026-12-05), after PostgreSQL's
-- UNION and JOIN regression suites (regress_union, regress_join) found no wrong:
-- percentile_disc() given an array of fractions, which is an array of its
-- WITHIN GROUP sort key's values and so of that key's type (integer[], then
-- bigint[]); and the dataset's whole row where its type is seen (pg_typeof(),
-- an array of rows) or passed on through a subquery or CTE, once the table is
-- renamed: a table's row type has the table's name.
CREATE TABLE t (id integer, n integer, s smallint);
INSERT INTO t VALUES
  (1, 3, 3),
  (2, 7, 1),
  (3, 5, 2),
  (4, NULL, NULL);
