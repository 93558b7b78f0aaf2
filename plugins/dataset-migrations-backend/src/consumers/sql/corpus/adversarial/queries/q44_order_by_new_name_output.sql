SELECT c.name, o.id
FROM orders o
JOIN customers c ON c.id = o.cust
ORDER BY note NULLS FIRST, o.id;
