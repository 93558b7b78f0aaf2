SELECT id, json_build_object('n', n, 'name', name) AS doc FROM t ORDER BY id;
