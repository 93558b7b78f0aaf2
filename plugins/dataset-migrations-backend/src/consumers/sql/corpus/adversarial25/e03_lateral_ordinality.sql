SELECT t.id, o.i FROM t, LATERAL unnest(ARRAY[t.n, t.s]) WITH ORDINALITY AS o(v, i) WHERE o.v > 2 ORDER BY 1, 2;
