INSERT INTO t VALUES (9, 1, 60, 1, 1, 1.5, 'zz', 'zz', '2024-05-05', '2024-05-05 05:00');
SELECT id, k, n FROM t ORDER BY id;
