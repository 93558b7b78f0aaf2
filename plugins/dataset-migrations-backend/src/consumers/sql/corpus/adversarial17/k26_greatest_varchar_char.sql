SELECT id, greatest(s, c) = s AS g FROM t ORDER BY id;
