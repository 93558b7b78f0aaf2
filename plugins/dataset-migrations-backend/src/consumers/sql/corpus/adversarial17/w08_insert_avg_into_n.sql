INSERT INTO t (id, n) SELECT 30, avg(n) FROM t;
SELECT id, n FROM t ORDER BY id;
