WITH m AS (SELECT cust, max(amount) AS top FROM orders GROUP BY cust)
SELECT cust, top / 2 AS half_top FROM m ORDER BY cust;
