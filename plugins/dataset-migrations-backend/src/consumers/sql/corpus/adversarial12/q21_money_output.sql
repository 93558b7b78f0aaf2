SELECT id, m, m * 2 AS dbl FROM t ORDER BY id;
