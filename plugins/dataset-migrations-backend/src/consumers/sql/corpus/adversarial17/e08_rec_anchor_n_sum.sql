WITH RECURSIVE r(id, total) AS (
  SELECT 1, 0
  UNION ALL
  SELECT t.id, r.total + t.n FROM t JOIN r ON t.parent = r.id
)
SELECT id, total FROM r ORDER BY id;
