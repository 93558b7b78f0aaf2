WITH RECURSIVE chain AS (
  SELECT order_id, parent_id, 0 AS depth FROM orders WHERE parent_id IS NULL
  UNION ALL
  SELECT o.order_id, o.parent_id, chain.depth + 1 FROM orders o JOIN chain ON o.parent_id = chain.order_id
)
SELECT order_id, depth FROM chain ORDER BY order_id;
