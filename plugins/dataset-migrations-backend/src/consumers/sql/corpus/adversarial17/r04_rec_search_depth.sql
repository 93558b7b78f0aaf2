WITH RECURSIVE tree AS (
  SELECT id, parent, k FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, t.parent, t.k FROM t JOIN tree ON t.parent = tree.id
) SEARCH DEPTH FIRST BY id SET ordercol
SELECT id, k FROM tree ORDER BY ordercol;
