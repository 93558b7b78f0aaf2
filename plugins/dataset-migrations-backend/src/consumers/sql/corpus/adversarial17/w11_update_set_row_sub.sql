UPDATE t SET (k, n) = (SELECT u.x, u.id FROM u WHERE u.id = t.id) WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id);
SELECT id, k, n FROM t ORDER BY id;
