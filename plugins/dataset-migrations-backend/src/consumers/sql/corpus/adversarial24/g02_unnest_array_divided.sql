SELECT t.id, x / 2 AS half FROM t, unnest(ARRAY[t.n, t.id]) AS x ORDER BY 1, 2;
