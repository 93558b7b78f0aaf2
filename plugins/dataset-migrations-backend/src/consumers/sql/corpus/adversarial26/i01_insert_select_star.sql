CREATE TEMP TABLE orders_copy (LIKE orders_archive);
INSERT INTO orders_copy SELECT * FROM orders;
SELECT id, qty, note FROM orders_copy ORDER BY id;
