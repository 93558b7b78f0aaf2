SELECT t.id, (SELECT row_to_json(r) FROM (SELECT t.n, t.name) r) AS doc FROM t ORDER BY t.id;
