SELECT u.id, x.kk FROM u, LATERAL (SELECT k AS kk FROM t WHERE t.n = u.m) x ORDER BY 1;
