SELECT row_to_json(x) AS doc FROM (SELECT id, k, n, c, d FROM t) x ORDER BY x.id;
