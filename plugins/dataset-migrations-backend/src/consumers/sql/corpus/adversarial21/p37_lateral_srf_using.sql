SELECT id, w FROM t JOIN u USING (id) CROSS JOIN LATERAL generate_series(u.v, u.v + t.n, 5) AS w ORDER BY 1, 2;
