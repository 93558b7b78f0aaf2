SELECT t.id, x.bigger FROM t, LATERAL (SELECT count(*) AS bigger FROM u WHERE u.v > t.n) x ORDER BY t.id;
