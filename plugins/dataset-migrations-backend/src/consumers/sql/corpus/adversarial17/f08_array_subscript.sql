SELECT id, (ARRAY[10, 20, 30, 40, 50, 60, 70, 80, 90])[n] AS el FROM t ORDER BY id;
