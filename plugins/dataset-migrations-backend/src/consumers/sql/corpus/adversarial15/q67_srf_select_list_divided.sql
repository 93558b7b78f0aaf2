SELECT id, generate_series(1, n) / 2 AS half FROM t ORDER BY 1, 2;
