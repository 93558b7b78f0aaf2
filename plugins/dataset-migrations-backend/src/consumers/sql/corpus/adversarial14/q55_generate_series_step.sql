SELECT id, x FROM t, generate_series(0, 10, n) AS x WHERE id < 3 ORDER BY id, x;
