SELECT order_id FROM orders WHERE 3 = ANY(ARRAY[qty, customer_id]) ORDER BY order_id;
