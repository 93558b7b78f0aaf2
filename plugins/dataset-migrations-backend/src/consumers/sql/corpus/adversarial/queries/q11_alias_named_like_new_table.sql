SELECT purchases.id, purchases.name
FROM customers purchases
WHERE EXISTS (SELECT 1 FROM orders WHERE cust = purchases.id AND amount > 0)
ORDER BY 1;
