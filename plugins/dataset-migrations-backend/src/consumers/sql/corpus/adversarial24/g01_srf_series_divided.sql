SELECT t.id, g / 2 AS half FROM t, generate_series(1, t.n) AS g ORDER BY 1, 2;
