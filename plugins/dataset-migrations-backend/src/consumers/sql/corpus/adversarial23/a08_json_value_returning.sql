SELECT id, JSON_VALUE(j, '$.a' RETURNING integer) + n AS total FROM t ORDER BY id;
