SELECT id, c || s AS cs FROM t ORDER BY id;
