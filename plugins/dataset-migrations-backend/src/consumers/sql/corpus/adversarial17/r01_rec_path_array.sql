WITH RECURSIVE tree AS (
  SELECT id, parent, ARRAY[id] AS path FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, t.parent, tree.path || t.id FROM t JOIN tree ON t.parent = tree.id
)
SELECT id, path FROM tree ORDER BY id;
