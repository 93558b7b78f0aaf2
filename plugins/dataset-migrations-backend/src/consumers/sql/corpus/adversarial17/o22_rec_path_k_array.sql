WITH RECURSIVE tree AS (
  SELECT id, ARRAY[k] AS ks FROM t WHERE parent IS NULL
  UNION ALL
  SELECT t.id, tree.ks || t.k FROM t JOIN tree ON t.parent = tree.id
)
SELECT id, ks FROM tree ORDER BY id;
