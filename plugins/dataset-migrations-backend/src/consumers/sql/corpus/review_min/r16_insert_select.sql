INSERT INTO t (id, k, n, s) SELECT id + 10, k, x, 'z' FROM u;
SELECT id, n FROM t ORDER BY id;
