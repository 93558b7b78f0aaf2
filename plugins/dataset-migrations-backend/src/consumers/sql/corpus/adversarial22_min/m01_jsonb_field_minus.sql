SELECT id, j - n AS rest FROM t ORDER BY id;
