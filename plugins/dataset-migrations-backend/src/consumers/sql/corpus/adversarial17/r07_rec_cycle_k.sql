WITH RECURSIVE walk AS (
  SELECT id, k, parent FROM t WHERE id = 6
  UNION ALL
  SELECT t.id, t.k, t.parent FROM t JOIN walk ON t.id = walk.parent
) CYCLE k SET seen USING trail
SELECT id, k, seen FROM walk ORDER BY id;
