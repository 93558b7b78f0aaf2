SELECT id FROM t ORDER BY n / 2, id;
