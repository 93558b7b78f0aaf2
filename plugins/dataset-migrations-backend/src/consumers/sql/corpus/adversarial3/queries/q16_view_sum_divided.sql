CREATE TEMP VIEW cust_totals AS SELECT cust, sum(amount) AS total FROM orders GROUP BY cust;
SELECT cust, total / 2 AS half FROM cust_totals ORDER BY cust;
