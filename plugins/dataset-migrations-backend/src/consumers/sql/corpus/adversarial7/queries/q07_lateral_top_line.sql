SELECT o.order_id, top.sku, top.units FROM orders o,
  LATERAL (SELECT sku, units FROM lines l WHERE l.order_id = o.order_id ORDER BY units DESC, sku LIMIT 1) top
ORDER BY o.order_id;
