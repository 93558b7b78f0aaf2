SELECT t.id, x.nd FROM t, LATERAL (SELECT d + 1 AS nd) x WHERE t.d IS NOT NULL ORDER BY t.id;
