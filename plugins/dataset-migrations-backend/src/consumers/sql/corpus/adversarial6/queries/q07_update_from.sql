UPDATE shipments s SET qty = o.qty FROM orders o WHERE o.id = s.order_id AND o.cust = s.cust AND status = 'paid';
SELECT id, qty FROM shipments ORDER BY id;
