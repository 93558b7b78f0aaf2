WITH RECURSIVE r(total, depth) AS (
  SELECT 0, 0
  UNION ALL
  SELECT r.total + t.n, r.depth + 1 FROM r JOIN t ON t.id = r.depth + 1 WHERE r.depth < 3
)
SELECT total, depth FROM r ORDER BY depth;
