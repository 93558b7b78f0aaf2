-- A field read from the whole row (t.*), the same row as (t): n divides
-- with a fraction once widened to numeric.
SELECT id, (t.*).n / 2 AS half FROM t;
