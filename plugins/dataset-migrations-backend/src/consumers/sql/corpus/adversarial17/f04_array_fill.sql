SELECT id, array_fill(0, ARRAY[n]) AS zeros FROM t ORDER BY id;
