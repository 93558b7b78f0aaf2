SELECT id, jsonb_path_query_first(j, '$.n') AS jn, n FROM t ORDER BY id;
