-- inner derived table reuses the outer alias t
SELECT t.id, t.amount
FROM orders t
WHERE EXISTS (
  SELECT 1
  FROM (SELECT id, customer_id FROM customers WHERE region = 'north') t
  WHERE t.id = cust
)
ORDER BY t.id;
