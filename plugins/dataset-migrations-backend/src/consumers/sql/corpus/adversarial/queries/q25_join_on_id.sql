SELECT o.id, p.method
FROM orders o
JOIN payments p ON p.order_id = o.id
WHERE o.id BETWEEN 2 AND 10
ORDER BY o.id, p.method;
