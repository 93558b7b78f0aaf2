SELECT id, ARRAY[k, n] AS pair FROM t ORDER BY id;
