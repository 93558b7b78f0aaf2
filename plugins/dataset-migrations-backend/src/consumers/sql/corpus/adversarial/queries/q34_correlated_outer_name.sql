SELECT c.id, c.name
FROM customers c
WHERE EXISTS (
  SELECT 1 FROM orders o WHERE o.cust = c.id AND region = 'north'
)
ORDER BY c.id;
