SELECT id, k FROM t * ORDER BY id;
