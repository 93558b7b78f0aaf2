SELECT t.id, v, ord FROM t, unnest(ARRAY[t.k, t.n]) WITH ORDINALITY AS z(v, ord) ORDER BY t.id, ord;
