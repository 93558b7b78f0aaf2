SELECT o.id, c.name, r.manager, note
FROM orders o
JOIN customers c ON c.id = o.cust
LEFT JOIN regions r ON r.code = c.region
ORDER BY o.id;
