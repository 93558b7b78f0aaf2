SELECT DISTINCT ON (customer_id) customer_id, order_id, placed FROM orders ORDER BY customer_id, placed DESC;
