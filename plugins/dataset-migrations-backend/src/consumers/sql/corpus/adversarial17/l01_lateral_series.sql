SELECT t.id, g FROM t, LATERAL generate_series(1, t.n) AS g ORDER BY t.id, g;
