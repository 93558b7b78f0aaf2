SELECT id, json_build_object('label', label, 'qty', qty, 'order', "order")::text AS doc FROM orders ORDER BY id;
