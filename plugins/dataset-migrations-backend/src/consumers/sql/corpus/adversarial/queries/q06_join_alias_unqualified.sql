SELECT name, amount
FROM (orders o JOIN customers c ON c.id = o.cust) AS j
WHERE amount > 8
ORDER BY 1, 2;
