SELECT DISTINCT ON (cust) cust, id, amount
FROM orders
WHERE cust IS NOT NULL
ORDER BY cust, amount DESC NULLS LAST, id;
