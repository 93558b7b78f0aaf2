SELECT order_id, customer_id, qty, round(100.0 * qty / sum(qty) OVER (PARTITION BY customer_id), 1) AS pct, rank() OVER (PARTITION BY customer_id ORDER BY qty DESC) AS r
FROM orders ORDER BY order_id;
