WITH RECURSIVE up AS (
  SELECT id, parent, n FROM t WHERE id = 6
  UNION ALL
  SELECT t.id, t.parent, t.n FROM t JOIN up ON t.id = up.parent
)
SELECT id, n / 2 AS half FROM up ORDER BY id;
