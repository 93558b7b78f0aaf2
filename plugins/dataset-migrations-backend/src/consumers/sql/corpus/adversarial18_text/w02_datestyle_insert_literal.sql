SET DateStyle = 'German';
INSERT INTO t (k, id, d, ts) VALUES ('k9', 9, '01.02.2024', '01.02.2024 10:00');
SET DateStyle = 'ISO, MDY';
SELECT id, d, ts FROM t WHERE id = 9;
