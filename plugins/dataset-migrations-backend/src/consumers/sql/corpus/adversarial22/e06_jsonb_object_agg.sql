SELECT jsonb_object_agg(name, n) FROM t;
