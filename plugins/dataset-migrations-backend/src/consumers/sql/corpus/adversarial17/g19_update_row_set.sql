UPDATE t SET (k, n) = (SELECT x, 0 FROM u WHERE u.id = t.id) WHERE id < 3;
SELECT id, k, n FROM t ORDER BY id;
