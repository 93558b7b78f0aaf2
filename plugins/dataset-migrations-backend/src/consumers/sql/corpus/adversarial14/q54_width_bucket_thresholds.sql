SELECT id, width_bucket(n, ARRAY[2, 4, 6]) AS b FROM t ORDER BY id;
