SELECT u.id, x.n FROM u, LATERAL (SELECT n FROM t WHERE t.k = u.kk ORDER BY n LIMIT 1) x ORDER BY u.id;
