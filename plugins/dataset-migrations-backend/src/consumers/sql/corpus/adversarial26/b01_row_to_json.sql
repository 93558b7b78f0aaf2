SELECT id, row_to_json(o)::text AS doc FROM orders o ORDER BY id;
