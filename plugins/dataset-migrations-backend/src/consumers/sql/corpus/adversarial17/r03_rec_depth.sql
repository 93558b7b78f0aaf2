WITH RECURSIVE tree(id, depth) AS (
  SELECT id, 0 FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, depth + 1 FROM t JOIN tree ON t.parent = tree.id
)
SELECT id, depth FROM tree ORDER BY depth, id;
