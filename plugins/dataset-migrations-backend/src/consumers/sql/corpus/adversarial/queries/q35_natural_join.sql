SELECT *
FROM orders NATURAL JOIN (SELECT order_id AS id, method FROM payments) p
ORDER BY id, method;
