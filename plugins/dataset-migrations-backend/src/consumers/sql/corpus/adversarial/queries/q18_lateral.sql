SELECT c.id, c.name, last.amount
FROM customers c
CROSS JOIN LATERAL (
  SELECT amount FROM orders WHERE cust = c.id ORDER BY created_at DESC, id LIMIT 1
) last
ORDER BY c.id;
