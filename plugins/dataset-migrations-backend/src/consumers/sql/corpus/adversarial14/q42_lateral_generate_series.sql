SELECT t.id, x.step FROM t LEFT JOIN LATERAL generate_series(1, t.n, 2) AS x(step) ON true ORDER BY 1, 2;
