SELECT id, m FROM t, generate_series(1, 2) AS m ORDER BY 1, 2;
