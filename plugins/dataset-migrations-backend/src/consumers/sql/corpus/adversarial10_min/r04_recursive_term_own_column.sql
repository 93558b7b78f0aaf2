WITH RECURSIVE r(n, depth) AS (
  SELECT n, 1 FROM t WHERE id = 1
  UNION ALL
  SELECT r.n + 1, r.depth + 1 FROM r JOIN t ON t.id = r.depth + 1 WHERE r.depth < 3
)
SELECT n, depth FROM r ORDER BY depth;
