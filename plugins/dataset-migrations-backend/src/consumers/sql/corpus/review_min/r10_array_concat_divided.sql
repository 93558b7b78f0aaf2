SELECT id, (ARRAY[0] || n)[2] / 2 AS h FROM t ORDER BY id;
