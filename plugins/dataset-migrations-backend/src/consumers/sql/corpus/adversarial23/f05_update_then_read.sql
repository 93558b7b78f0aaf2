UPDATE t SET n = n * 2 WHERE s > 2;
SELECT id, n FROM t ORDER BY id;
