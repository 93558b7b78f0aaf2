-- With RECURSIVE every CTE sees every other: "orders" in a is the CTE below.
WITH RECURSIVE a AS (SELECT id, cust FROM orders),
orders AS (SELECT 1 AS id, 7 AS cust, 5 AS amount, 'x' AS status)
SELECT * FROM a;
