SELECT id, (SELECT count(*) FROM u, ROWS FROM (generate_series(1, k / 10)) AS g(i) WHERE g.i <= u.id) AS cnt FROM t ORDER BY id;
