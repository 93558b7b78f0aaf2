SELECT id, arr = ARRAY[1, 2] AS is_pair FROM t WHERE arr IS NOT NULL ORDER BY id;
