SELECT t.id, x.k FROM t, LATERAL (SELECT t.n / 2 AS k) x ORDER BY 1;
