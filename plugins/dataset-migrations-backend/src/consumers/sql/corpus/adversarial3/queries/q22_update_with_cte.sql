WITH totals AS (SELECT cust, sum(amount) AS s FROM orders WHERE status = 'paid' GROUP BY cust)
UPDATE customers c SET score = totals.s FROM totals WHERE totals.cust = c.id;
SELECT id, score FROM customers ORDER BY id;
