SELECT id, (to_jsonb(t) - 'arr' - 'f')::text AS rest FROM t ORDER BY id;
