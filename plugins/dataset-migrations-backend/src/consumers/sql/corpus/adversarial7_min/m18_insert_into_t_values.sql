INSERT INTO t VALUES (9, 90, 9, 'q', 'r', 1.00, 9, '2024-09-09', 'g9');
SELECT id, k, n FROM t ORDER BY id;
