SELECT t.id, o / 2 AS h FROM t, unnest(ARRAY[t.n]) WITH ORDINALITY AS n(v, o) ORDER BY t.id;
