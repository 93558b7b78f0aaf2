WITH RECURSIVE r(id, m) AS (
  SELECT 1, CAST(0 AS smallint)
  UNION ALL
  SELECT t.id, t.m FROM t JOIN r ON t.parent = r.id
)
SELECT id, m FROM r ORDER BY id;
