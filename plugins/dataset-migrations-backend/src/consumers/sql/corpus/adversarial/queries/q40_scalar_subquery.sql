SELECT c.id,
       (SELECT max(amount) FROM orders WHERE cust = c.id)
FROM customers c
ORDER BY c.id;
