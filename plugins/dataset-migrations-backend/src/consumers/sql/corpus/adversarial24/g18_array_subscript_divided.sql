SELECT id, (ARRAY[n, 0])[1] / 2 AS half FROM t ORDER BY id;
