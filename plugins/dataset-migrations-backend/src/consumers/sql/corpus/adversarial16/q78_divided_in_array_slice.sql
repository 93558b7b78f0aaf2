SELECT id, (ARRAY[10, 20, 30, 40])[n / 2] AS pick FROM t ORDER BY id;
