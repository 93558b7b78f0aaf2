SELECT id, j -> s AS elem FROM t ORDER BY id;
