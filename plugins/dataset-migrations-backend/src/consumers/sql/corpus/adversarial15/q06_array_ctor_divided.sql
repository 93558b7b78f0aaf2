SELECT id, (ARRAY[n, id])[1] / 2 AS first_half FROM t ORDER BY id;
