SELECT id, (n) FROM t ORDER BY id;
