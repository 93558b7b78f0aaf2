SELECT customer_id, string_agg(order_id::text || ':' || qty, ',' ORDER BY order_id) AS items, array_to_string(array_agg(status ORDER BY order_id), '/') AS statuses
FROM orders GROUP BY customer_id ORDER BY customer_id;
