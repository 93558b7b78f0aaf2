SELECT t.id, row_to_json(u) AS j FROM t JOIN u ON u.id = t.id ORDER BY t.id;
