CREATE TEMP VIEW order_sizes (order_id, size) AS SELECT id, qty FROM orders;
SELECT order_id, size / 2 AS pairs FROM order_sizes ORDER BY order_id;
