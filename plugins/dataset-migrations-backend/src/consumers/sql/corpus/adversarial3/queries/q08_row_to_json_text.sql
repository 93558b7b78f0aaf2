SELECT id, row_to_json(o)::text AS js FROM orders o ORDER BY id;
