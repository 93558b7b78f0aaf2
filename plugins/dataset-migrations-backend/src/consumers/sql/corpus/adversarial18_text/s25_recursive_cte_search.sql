WITH RECURSIVE r (id, ch, d, depth) AS (
  SELECT id, ch, d, 0 FROM t WHERE id = 1
  UNION ALL
  SELECT t.id, t.ch, t.d, r.depth + 1 FROM t JOIN r ON t.id = r.id + 1 WHERE r.depth < 3
) SEARCH DEPTH FIRST BY ch SET ord
SELECT id, ch || '|' AS c, d, depth FROM r ORDER BY ord;
