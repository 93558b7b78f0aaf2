WITH RECURSIVE r(node, kval) AS (
  SELECT id, k FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, t.k FROM t, r WHERE t.parent = r.node
)
SELECT node, kval FROM r ORDER BY node;
