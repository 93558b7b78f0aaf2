SELECT id, n, t2.uid FROM t, (SELECT 1 AS uid) t2 ORDER BY id;
