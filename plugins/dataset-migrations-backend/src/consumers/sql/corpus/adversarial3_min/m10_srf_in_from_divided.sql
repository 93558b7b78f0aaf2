SELECT g / 2 AS half FROM t, generate_series(1, t.n) AS g WHERE t.id = 1 ORDER BY g;
