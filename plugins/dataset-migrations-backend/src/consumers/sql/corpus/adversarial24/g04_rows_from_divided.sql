SELECT t.id, r.k / 2 AS half FROM t CROSS JOIN LATERAL ROWS FROM (generate_series(1, t.n)) AS r(k) ORDER BY 1, 2;
