SELECT t.id, r.a / 2 AS half FROM t CROSS JOIN LATERAL ROWS FROM (generate_series(1, t.n)) AS r(a) ORDER BY 1, 2;
