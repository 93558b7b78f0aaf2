SELECT order_id, upper(status) AS status FROM orders ORDER BY status, order_id;
