SELECT id, (ROW(n, s)).f1 / 2 AS half FROM t ORDER BY id;
