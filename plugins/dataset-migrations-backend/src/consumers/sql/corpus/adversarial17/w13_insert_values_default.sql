INSERT INTO t (id, k, n) VALUES (50, DEFAULT, 7 / 2);
SELECT id, k, n FROM t ORDER BY id;
