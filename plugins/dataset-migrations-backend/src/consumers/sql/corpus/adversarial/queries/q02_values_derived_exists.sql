-- orders of a hard-coded VIP list
SELECT o.id, o.amount
FROM orders o
WHERE EXISTS (
  SELECT 1 FROM (VALUES (1), (2)) AS vip(cust) WHERE cust = o.cust
)
ORDER BY o.id;
