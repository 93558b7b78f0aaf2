INSERT INTO t (k, id, d) VALUES ('k9', 9, '2024-01-01 24:00:00');
SELECT id, d FROM t WHERE id = 9;
