-- Minimal cases found in the twenty-second round (2026-12-06): an output
-- column without an alias is named by Postgres after a CASE's ELSE result when
-- that result is a column (`CASE WHEN … THEN 0 ELSE n END` is named `n`, as
-- `n::text` is), so renaming the column renamed the output, and a CTE, a view
-- or a reader of the result by name lost it; and a table the file creates with
-- a foreign key to the dataset, which needs a table with a key there (the
-- layouts a migration makes serve t's name without one: a view, from cut-over).
CREATE TABLE t (id integer PRIMARY KEY, n integer UNIQUE, label text);
INSERT INTO t VALUES
  (1, 3, 'Ann'),
  (2, 7, ''),
  (3, 5, 'Cy'),
  (4, NULL, NULL);
