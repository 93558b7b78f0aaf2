SELECT jsonb_object_agg(id, c) AS byid, jsonb_object_agg(COALESCE(s, '?') || id, k) AS byname FROM t;
