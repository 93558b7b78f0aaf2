WITH RECURSIVE chain AS (
  SELECT id, qty AS level FROM orders WHERE id = 1
  UNION ALL
  SELECT o.id, o.qty FROM orders o JOIN chain c ON o.id = c.id + 1
)
SELECT id, level / 2 AS half FROM chain ORDER BY id;
