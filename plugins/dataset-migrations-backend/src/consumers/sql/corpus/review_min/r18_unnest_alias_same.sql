SELECT t.id, v / 2 AS h FROM t, unnest(ARRAY[t.n]) AS n(v) ORDER BY t.id;
