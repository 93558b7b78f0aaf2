WITH RECURSIVE r(id, ks) AS (
  SELECT 1, ARRAY[]::integer[]
  UNION ALL
  SELECT t.id, r.ks || t.k FROM t JOIN r ON t.parent = r.id
)
SELECT id, ks FROM r ORDER BY id;
