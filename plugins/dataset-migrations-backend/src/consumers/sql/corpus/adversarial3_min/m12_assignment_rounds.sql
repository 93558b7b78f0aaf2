UPDATE t SET n = n * 1.1;
SELECT id, n FROM t ORDER BY id;
