SELECT id, array_position(ARRAY[3, 5, 7], n) AS pos FROM t ORDER BY id;
