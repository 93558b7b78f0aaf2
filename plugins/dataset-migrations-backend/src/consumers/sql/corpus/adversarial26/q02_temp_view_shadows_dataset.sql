CREATE TEMP VIEW orders AS SELECT id, customer_id AS cust, qty / 2 AS half FROM orders WHERE qty IS NOT NULL;
SELECT cust, sum(half) AS h FROM orders GROUP BY cust ORDER BY cust;
