UPDATE t SET n = n * 1.5 WHERE id < 4;
SELECT id, n FROM t ORDER BY id;
