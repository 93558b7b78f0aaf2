SELECT t.id, row_to_json(v) AS r FROM t JOIN (SELECT id, label FROM u) v ON v.id = t.id ORDER BY t.id;
