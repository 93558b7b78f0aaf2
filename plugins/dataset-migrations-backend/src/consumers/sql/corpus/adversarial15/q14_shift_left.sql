SELECT id, n << 30 AS shifted FROM t ORDER BY id;
