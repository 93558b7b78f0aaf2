SELECT id, i FROM t, generate_subscripts(ARRAY[n, n], 1) AS i ORDER BY 1, 2;
