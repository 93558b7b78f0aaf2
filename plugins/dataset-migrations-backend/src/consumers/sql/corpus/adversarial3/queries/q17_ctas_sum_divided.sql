CREATE TEMP TABLE per_cust AS SELECT cust, sum(amount) AS amount FROM orders GROUP BY cust;
SELECT cust, amount / 3 AS third FROM per_cust ORDER BY cust;
