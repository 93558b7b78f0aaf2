CREATE TEMP TABLE history (order_id integer, qty integer, note text);
INSERT INTO history (order_id, qty, note) SELECT id, qty, note FROM orders WHERE cust = 1;
SELECT order_id, qty / 2 AS half, note FROM history ORDER BY order_id;
