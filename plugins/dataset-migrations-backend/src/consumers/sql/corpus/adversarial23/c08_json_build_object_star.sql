SELECT json_build_object('id', t.id, 'row', t.*)::text FROM t ORDER BY t.id;
