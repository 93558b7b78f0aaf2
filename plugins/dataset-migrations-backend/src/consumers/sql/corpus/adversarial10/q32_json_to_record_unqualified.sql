SELECT id, kk FROM t, jsonb_to_record(CASE WHEN jsonb_typeof(j) = 'object' THEN j || '{"kk": 7}' END) AS x(kk integer)
ORDER BY id;
