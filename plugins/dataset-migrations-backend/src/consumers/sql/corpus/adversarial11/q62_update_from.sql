UPDATE t SET n = n + 1 FROM u WHERE u.id = t.id;
SELECT id, n FROM t ORDER BY id;
