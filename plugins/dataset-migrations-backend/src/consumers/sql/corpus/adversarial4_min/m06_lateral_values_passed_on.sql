SELECT t.id, v / 2 AS h FROM t, LATERAL (VALUES (t.n)) AS x(v) ORDER BY t.id;
