SELECT id, (SELECT count(*) FROM jsonb_object_keys(to_jsonb(t))) AS k FROM t ORDER BY id;
