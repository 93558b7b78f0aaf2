WITH RECURSIVE r(i, lvl) AS (
  VALUES (7, 0)
  UNION ALL
  SELECT t.id, r.lvl + 1 FROM t JOIN r ON t.parent = r.i
)
SELECT i, lvl FROM r ORDER BY i;
