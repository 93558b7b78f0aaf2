WITH RECURSIVE r(n, depth) AS (
  SELECT 5, 1
  UNION ALL
  SELECT t.n, r.depth + 1 FROM t JOIN r ON t.n = r.n + 2 WHERE r.depth < 5
)
SELECT n, depth FROM r ORDER BY depth;
