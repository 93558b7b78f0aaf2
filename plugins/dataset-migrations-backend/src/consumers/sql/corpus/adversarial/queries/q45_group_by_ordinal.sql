SELECT status AS state, count(*) AS n, sum(amount) AS amount
FROM orders
GROUP BY 1
ORDER BY state NULLS FIRST;
