SELECT id, ~n AS inverted FROM t ORDER BY id;
