SELECT jsonb_object_agg(id, k ORDER BY id) AS obj FROM t;
