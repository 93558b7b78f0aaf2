SELECT id, g / 2 AS half FROM t CROSS JOIN LATERAL generate_series(n, n + 1) AS g ORDER BY id, g;
