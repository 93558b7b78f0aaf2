SELECT 'order-' || order_id || '-' || qty AS ref, status || qty AS sq FROM orders ORDER BY order_id;
