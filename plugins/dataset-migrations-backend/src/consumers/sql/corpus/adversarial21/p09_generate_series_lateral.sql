SELECT t.id, g.i / 2 AS half FROM t, generate_series(1, t.n) AS g(i) ORDER BY 1, 2;
