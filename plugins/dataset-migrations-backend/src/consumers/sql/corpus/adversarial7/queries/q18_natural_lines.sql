SELECT order_id, sku, qty FROM orders NATURAL JOIN lines ORDER BY order_id, sku;
