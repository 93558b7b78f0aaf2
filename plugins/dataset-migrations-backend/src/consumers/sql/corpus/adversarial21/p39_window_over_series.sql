SELECT id, sum(g) OVER (PARTITION BY id) / 2 AS half FROM t, generate_series(1, n) g ORDER BY 1, 2;
