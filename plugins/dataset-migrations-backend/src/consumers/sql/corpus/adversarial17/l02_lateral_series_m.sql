SELECT t.id, g.i FROM t CROSS JOIN LATERAL generate_series(1, t.m) AS g(i) ORDER BY t.id, g.i;
