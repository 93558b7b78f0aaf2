ANALYZE t (k, n);
SELECT id, k, n FROM t ORDER BY id;
