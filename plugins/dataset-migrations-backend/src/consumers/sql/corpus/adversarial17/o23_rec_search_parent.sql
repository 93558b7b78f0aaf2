WITH RECURSIVE tree AS (
  SELECT id, parent FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, t.parent FROM t JOIN tree ON t.parent = tree.id
) SEARCH DEPTH FIRST BY parent, id SET ord
SELECT id, parent FROM tree ORDER BY ord;
