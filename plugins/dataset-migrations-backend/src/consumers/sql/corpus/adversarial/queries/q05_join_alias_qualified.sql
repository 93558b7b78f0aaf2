SELECT j.cust, j.amount, j.name
FROM (orders o JOIN customers c ON c.id = o.cust) AS j
ORDER BY 1, 2, 3;
