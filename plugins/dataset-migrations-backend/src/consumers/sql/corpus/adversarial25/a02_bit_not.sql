SELECT id, ~n AS inv FROM t ORDER BY id;
