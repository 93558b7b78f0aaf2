SELECT id FROM orders ORDER BY id LIMIT (SELECT max(qty) / 2 FROM orders);
