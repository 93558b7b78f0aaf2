WITH RECURSIVE chain(id, k, hops) AS (
  SELECT id, k, 0 FROM t WHERE id = 1
  UNION ALL
  SELECT t.id, t.k, chain.hops + 1 FROM t JOIN chain ON t.k = chain.k + 10 WHERE chain.hops < 3
)
SELECT id, k, hops FROM chain ORDER BY hops, id;
