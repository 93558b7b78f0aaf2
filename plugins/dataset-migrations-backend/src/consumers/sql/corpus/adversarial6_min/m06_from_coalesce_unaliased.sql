SELECT t.id, "coalesce" / 2 AS h FROM t, LATERAL coalesce(t.n, 0) ORDER BY t.id;
