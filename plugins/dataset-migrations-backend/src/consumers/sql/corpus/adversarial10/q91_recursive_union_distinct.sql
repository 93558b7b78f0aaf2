WITH RECURSIVE r(v) AS (
  SELECT 1
  UNION
  SELECT least(r.v + 1, 3) FROM r JOIN t ON t.n > r.v
)
SELECT v FROM r ORDER BY v;
