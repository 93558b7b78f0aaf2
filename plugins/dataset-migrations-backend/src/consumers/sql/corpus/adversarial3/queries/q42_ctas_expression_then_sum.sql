CREATE TEMP TABLE paid AS SELECT cust, coalesce(amount, 0) AS a FROM orders;
SELECT cust, sum(a) / 3 AS third FROM paid GROUP BY cust ORDER BY cust;
