WITH RECURSIVE up(id, parent, total) AS (
  SELECT id, parent, n FROM t WHERE id = 6
  UNION ALL
  SELECT t.id, t.parent, up.total + t.n FROM t JOIN up ON t.id = up.parent
)
SELECT max(total) AS total FROM up;
