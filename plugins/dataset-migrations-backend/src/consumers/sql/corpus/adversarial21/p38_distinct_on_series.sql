SELECT DISTINCT ON (id) id, g FROM t, generate_series(t.n, 10) AS g ORDER BY id, g DESC;
