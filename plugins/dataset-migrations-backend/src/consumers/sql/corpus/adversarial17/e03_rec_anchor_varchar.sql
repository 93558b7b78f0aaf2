WITH RECURSIVE r(id, s) AS (
  SELECT 1, CAST('root' AS varchar(10))
  UNION ALL
  SELECT t.id, t.s FROM t JOIN r ON t.parent = r.id
)
SELECT id, s FROM r ORDER BY id;
