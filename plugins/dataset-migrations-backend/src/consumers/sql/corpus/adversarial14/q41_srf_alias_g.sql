SELECT id, g FROM t, generate_series(1, n) g ORDER BY id, g;
