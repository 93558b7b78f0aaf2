WITH RECURSIVE r(id, p) AS (
  SELECT 1, CAST(0 AS numeric(10,2))
  UNION ALL
  SELECT t.id, t.p FROM t JOIN r ON t.parent = r.id
)
SELECT id, p FROM r ORDER BY id;
