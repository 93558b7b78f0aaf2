SELECT id, name AS n FROM t ORDER BY n, t.n;
