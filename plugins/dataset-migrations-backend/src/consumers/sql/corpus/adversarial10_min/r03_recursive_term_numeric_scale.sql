WITH RECURSIVE r(p, depth) AS (
  SELECT CAST(0 AS numeric(10,2)), 1
  UNION ALL
  SELECT t.p, r.depth + 1 FROM t JOIN r ON t.id = r.depth WHERE r.depth < 3 AND t.p IS NOT NULL
)
SELECT p, depth FROM r ORDER BY depth;
