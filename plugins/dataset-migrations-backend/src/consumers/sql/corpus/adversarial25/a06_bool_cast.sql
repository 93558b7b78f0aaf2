SELECT id, n::boolean AS b FROM t ORDER BY id;
