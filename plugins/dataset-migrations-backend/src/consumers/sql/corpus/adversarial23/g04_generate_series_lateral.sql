SELECT t.id, g FROM t CROSS JOIN LATERAL generate_series(1, t.s) AS g ORDER BY 1, 2;
