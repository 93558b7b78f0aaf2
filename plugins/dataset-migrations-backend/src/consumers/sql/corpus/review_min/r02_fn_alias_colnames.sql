SELECT t.id, g / 2 AS h FROM t, generate_series(t.n, t.n) AS n(g) ORDER BY t.id;
