INSERT INTO t (k, id, vc, ch, d, ts, n) VALUES ('k8', 8, 'abcdefghij   ', 'xy  ', '2024-01-01 13:45', '2024-01-01 10:00:00.12345', 1.005);
SELECT id, vc, ch, d, ts, n FROM t WHERE id = 8;
