SELECT id, d - s AS earlier FROM t ORDER BY id;
