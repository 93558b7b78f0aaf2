SELECT id, array_fill(0, ARRAY[n]) AS zeros FROM t WHERE n IS NOT NULL AND n < 20 ORDER BY id;
