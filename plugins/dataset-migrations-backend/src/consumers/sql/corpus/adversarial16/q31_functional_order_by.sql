SELECT id FROM t ORDER BY n(t) / 2, id;
