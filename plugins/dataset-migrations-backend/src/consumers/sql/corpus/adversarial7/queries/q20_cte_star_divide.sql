WITH o AS (SELECT * FROM orders WHERE status = 'paid') SELECT order_id, qty / 2 AS half, price / 2 AS half_price FROM o ORDER BY order_id;
