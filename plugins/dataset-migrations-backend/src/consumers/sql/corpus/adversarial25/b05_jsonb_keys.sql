SELECT id, jsonb_exists(to_jsonb(t), 'n') AS has_n FROM t ORDER BY id;
