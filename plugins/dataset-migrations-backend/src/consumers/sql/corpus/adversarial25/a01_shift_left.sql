SELECT id, n << 28 AS sh FROM t ORDER BY id;
