SELECT x.id, x.n FROM (SELECT id, (SELECT t.n) FROM t) x ORDER BY 1;
