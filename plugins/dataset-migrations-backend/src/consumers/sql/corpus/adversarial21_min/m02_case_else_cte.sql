-- The CTE's column is n, read by that name.
WITH c AS (SELECT id, CASE WHEN n > 4 THEN 0 ELSE n END FROM t)
SELECT id, n FROM c ORDER BY id;
