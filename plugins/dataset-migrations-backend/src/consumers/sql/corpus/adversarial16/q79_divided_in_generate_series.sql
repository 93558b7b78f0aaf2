SELECT t.id, g FROM t, generate_series(1, n / 2) AS g ORDER BY t.id, g;
