WITH orders AS (SELECT * FROM orders WHERE status = 'paid')
SELECT id, qty FROM orders ORDER BY id;
