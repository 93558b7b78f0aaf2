SELECT id, row_to_json(t) ->> 'n' AS nv FROM t ORDER BY id;
