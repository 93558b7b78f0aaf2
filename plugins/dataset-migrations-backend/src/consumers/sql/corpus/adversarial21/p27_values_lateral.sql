SELECT t.id, v.x / 2 AS half FROM t, LATERAL (VALUES (t.n), (t.id)) AS v(x) ORDER BY 1, 2;
