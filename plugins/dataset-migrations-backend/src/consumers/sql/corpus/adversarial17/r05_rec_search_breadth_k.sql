WITH RECURSIVE tree AS (
  SELECT id, k FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, t.k FROM t JOIN tree ON t.parent = tree.id
) SEARCH BREADTH FIRST BY k, id SET ordercol
SELECT id, k, ordercol FROM tree ORDER BY ordercol;
