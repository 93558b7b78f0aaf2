SELECT t.id, v.x / 2 AS half FROM t CROSS JOIN LATERAL (VALUES (t.n)) AS v(x) ORDER BY 1, 2;
