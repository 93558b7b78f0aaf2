SELECT order_id AS id, qty AS amount FROM orders UNION ALL SELECT order_id, units FROM lines ORDER BY id, amount;
