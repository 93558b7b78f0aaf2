SELECT id, (j - n) -> 0 AS first_left FROM t ORDER BY id;
