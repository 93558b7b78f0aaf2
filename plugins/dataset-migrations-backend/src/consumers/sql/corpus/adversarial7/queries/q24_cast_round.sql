SELECT order_id, round(price, 1) AS p1, price::int AS pint, ceil(price) AS pc, (price * qty)::numeric(12,1) AS total FROM orders ORDER BY order_id;
