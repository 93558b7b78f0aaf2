SELECT id, jsonb_path_query_first('[1, 2, 3, 4, 5]'::jsonb, '$[$i]', jsonb_build_object('i', n / 2)) AS el FROM t ORDER BY id;
