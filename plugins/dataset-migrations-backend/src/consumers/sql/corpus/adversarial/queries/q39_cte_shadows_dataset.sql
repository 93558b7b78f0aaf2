WITH orders AS (SELECT id, cust, amount FROM orders_archive)
SELECT cust, amount FROM orders ORDER BY 1, 2;
