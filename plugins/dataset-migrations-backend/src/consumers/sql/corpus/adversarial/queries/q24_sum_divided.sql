SELECT cust, sum(amount) AS total, sum(amount) / count(*) AS avg_int
FROM orders
GROUP BY cust
ORDER BY cust NULLS LAST;
