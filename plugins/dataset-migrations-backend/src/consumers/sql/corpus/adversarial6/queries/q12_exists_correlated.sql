SELECT c.id, c.name FROM customers c
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.cust = c.id AND o.qty > c.tier * 4)
ORDER BY c.id;
