SELECT id, n ^ 2 AS sq FROM t ORDER BY id;
