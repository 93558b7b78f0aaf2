SELECT o.*, c.name AS customer_name
FROM orders o
LEFT JOIN customers c ON c.id = o.cust
ORDER BY o.id;
