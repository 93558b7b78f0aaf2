WITH RECURSIVE tree AS (
  SELECT id, parent FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, t.parent FROM t JOIN tree ON t.parent = tree.id
) CYCLE id SET is_cycle USING cpath
SELECT id, is_cycle, cpath FROM tree ORDER BY id;
