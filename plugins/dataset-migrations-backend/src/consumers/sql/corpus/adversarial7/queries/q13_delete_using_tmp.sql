CREATE TEMP TABLE stale AS SELECT * FROM lines;
DELETE FROM stale USING orders WHERE stale.order_id = orders.order_id AND orders.status <> 'paid';
SELECT order_id, sku FROM stale ORDER BY order_id, sku;
