CREATE TEMP TABLE archive AS SELECT * FROM orders WHERE false;
INSERT INTO archive SELECT * FROM orders WHERE status = 'paid';
SELECT order_id, qty FROM archive ORDER BY order_id;
