INSERT INTO t SELECT id + 100, parent, k FROM t WHERE id < 3;
SELECT id, k, n FROM t ORDER BY id;
