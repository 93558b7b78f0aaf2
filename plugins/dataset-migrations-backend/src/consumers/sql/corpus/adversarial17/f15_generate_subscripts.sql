SELECT id, (SELECT count(*) FROM generate_subscripts(ARRAY[1, 2, 3], 1) g WHERE g <= n) AS cnt FROM t ORDER BY id;
