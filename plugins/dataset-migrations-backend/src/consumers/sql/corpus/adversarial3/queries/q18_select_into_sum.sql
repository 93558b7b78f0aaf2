SELECT cust, sum(amount) AS s INTO TEMP agg FROM orders GROUP BY cust;
SELECT cust, s / 4 AS quarter FROM agg ORDER BY cust;
