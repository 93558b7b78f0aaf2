UPDATE t SET n = n * 100000, m = m * 2 WHERE id = 2;
SELECT id, n, m FROM t ORDER BY id;
