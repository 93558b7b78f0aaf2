SELECT id, generate_series(1, s) AS k FROM t ORDER BY 1, 2;
