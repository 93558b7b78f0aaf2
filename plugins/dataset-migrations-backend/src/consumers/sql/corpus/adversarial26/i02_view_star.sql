CREATE TEMP VIEW v_orders AS SELECT * FROM orders WHERE status <> 'void';
SELECT * FROM v_orders ORDER BY id;
