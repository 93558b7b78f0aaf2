UPDATE t SET (k, n) = (SELECT kk, m FROM u WHERE u.id = t.id) WHERE id IN (1, 2);
SELECT id, k, n FROM t ORDER BY id;
