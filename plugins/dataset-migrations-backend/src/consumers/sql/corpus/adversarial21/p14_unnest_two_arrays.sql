SELECT a / 2 AS half, b FROM t, unnest(ARRAY[t.n], ARRAY[t.name]) AS z(a, b) ORDER BY 1, 2;
