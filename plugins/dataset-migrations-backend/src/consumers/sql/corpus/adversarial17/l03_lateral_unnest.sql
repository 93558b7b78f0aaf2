SELECT t.id, x FROM t, LATERAL unnest(ARRAY[t.k, t.n]) AS x ORDER BY t.id, x;
