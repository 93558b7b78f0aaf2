WITH RECURSIVE tree AS (
  SELECT id, id::text AS path FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, tree.path || '/' || t.id FROM t JOIN tree ON t.parent = tree.id
)
SELECT id, path FROM tree ORDER BY path;
