SELECT id, int4range(n, n + 2) AS r FROM t ORDER BY id;
