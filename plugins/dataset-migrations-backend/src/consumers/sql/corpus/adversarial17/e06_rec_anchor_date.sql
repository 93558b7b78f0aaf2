WITH RECURSIVE r(id, d) AS (
  SELECT 1, DATE '2024-01-01'
  UNION ALL
  SELECT t.id, t.d FROM t JOIN r ON t.parent = r.id
)
SELECT id, d FROM r ORDER BY id;
