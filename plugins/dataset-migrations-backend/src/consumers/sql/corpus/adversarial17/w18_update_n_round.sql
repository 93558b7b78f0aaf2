UPDATE t SET n = round(n * 1.4);
SELECT id, n FROM t ORDER BY id;
