SELECT id, cust, method
FROM orders JOIN (SELECT order_id AS id, method FROM payments) p USING (id)
ORDER BY id, method;
