SELECT json_build_object('id', id, 'qty', qty, 'note', note)::text AS doc FROM orders ORDER BY id;
