SELECT id, trim_array(ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], n) AS arr FROM t ORDER BY id;
