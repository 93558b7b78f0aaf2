SELECT id, CAST(n AS text) FROM t ORDER BY id;
