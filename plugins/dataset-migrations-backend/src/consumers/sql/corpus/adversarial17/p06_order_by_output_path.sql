SELECT id, s AS path FROM t ORDER BY path, id;
