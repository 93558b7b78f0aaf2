SELECT id, jsonb_build_object('f', f)::text AS j FROM t ORDER BY id;
