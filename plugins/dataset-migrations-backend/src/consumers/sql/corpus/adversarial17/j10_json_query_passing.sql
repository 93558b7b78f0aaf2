SELECT id, JSON_QUERY(jsonb_build_array(k, n), '$[$i]' PASSING 1 AS i) AS second FROM t ORDER BY id;
