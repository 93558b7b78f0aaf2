DELETE FROM shipments USING orders WHERE orders.id = shipments.order_id AND status = 'open';
SELECT count(*) AS left_over FROM shipments;
