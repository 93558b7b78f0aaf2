SELECT order_id, to_char(placed, 'YYYY-MM') AS month, to_char(price * qty, 'FM99990.00') AS revenue, format('%s x %s', qty, price) AS label, placed::text AS day
FROM orders ORDER BY order_id;
