SELECT id, n FROM t ORDER BY n / 5, id DESC;
