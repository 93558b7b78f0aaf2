CREATE TEMP TABLE orders AS SELECT id, customer_id, label, qty FROM orders WHERE status = 'paid';
SELECT id, customer_id, label, qty FROM orders ORDER BY id;
