SELECT id, row_to_json(ROW(n, name))::text AS r FROM t ORDER BY id;
