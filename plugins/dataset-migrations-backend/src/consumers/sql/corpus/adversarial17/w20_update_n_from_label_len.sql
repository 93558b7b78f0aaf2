UPDATE t SET n = length(label) FROM u WHERE u.id = t.id;
SELECT id, n FROM t ORDER BY id;
