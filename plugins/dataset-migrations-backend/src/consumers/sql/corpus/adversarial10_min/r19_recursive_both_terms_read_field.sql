WITH RECURSIVE r AS (
  SELECT id, k, n FROM t WHERE id = 1
  UNION ALL
  SELECT t.id, t.k, t.n FROM t JOIN r ON t.id = r.id + 1 WHERE r.id < 3
)
SELECT id, k, n FROM r ORDER BY id;
