SELECT id, jsonb_path_query_first(j, '$.a') AS a FROM t ORDER BY id;
