WITH RECURSIVE r(id, c) AS (
  SELECT 1, CAST('root' AS char(5))
  UNION ALL
  SELECT t.id, t.c FROM t JOIN r ON t.parent = r.id
)
SELECT id, c FROM r ORDER BY id;
