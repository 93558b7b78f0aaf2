SELECT o.id, sku, x.q FROM orders o, jsonb_to_recordset(o.items) AS x(sku text, q int) ORDER BY o.id, sku;
