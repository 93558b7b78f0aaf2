SELECT id, n % 3 AS n FROM t ORDER BY n + 0, id;
