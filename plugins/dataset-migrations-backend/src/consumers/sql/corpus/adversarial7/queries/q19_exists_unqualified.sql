SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders WHERE orders.customer_id = c.customer_id AND qty > 5) ORDER BY name;
