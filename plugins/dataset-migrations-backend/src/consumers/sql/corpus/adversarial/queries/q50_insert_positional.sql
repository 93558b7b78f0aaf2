INSERT INTO orders (id, cust, amount, qty, items, ship_days, status)
VALUES (100, 2, 30, 1, 1, 1, 'open');
SELECT cust, sum(amount) AS total FROM orders GROUP BY cust ORDER BY cust NULLS FIRST;
