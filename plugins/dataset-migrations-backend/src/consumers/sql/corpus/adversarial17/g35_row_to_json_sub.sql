SELECT row_to_json(s) AS j FROM (SELECT id, k FROM t) s ORDER BY s.id;
