SELECT id, dd::date AS day FROM t, generate_series(d, d + n - 1, interval '1 day') dd WHERE d IS NOT NULL ORDER BY 1, 2;
