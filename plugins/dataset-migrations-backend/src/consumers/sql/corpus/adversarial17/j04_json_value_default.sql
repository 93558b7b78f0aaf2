SELECT id, JSON_VALUE(jsonb_build_object('a', k), '$.a' RETURNING int) AS v FROM t ORDER BY id;
