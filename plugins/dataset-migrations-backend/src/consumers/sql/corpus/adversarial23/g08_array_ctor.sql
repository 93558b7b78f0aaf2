SELECT id, ARRAY[s, 1] AS a, ARRAY[n, s] AS b FROM t ORDER BY id;
