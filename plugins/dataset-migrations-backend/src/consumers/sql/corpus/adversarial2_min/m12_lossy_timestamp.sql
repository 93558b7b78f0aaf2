SELECT id, ts FROM t ORDER BY id;
