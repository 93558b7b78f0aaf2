CREATE TEMP VIEW v AS SELECT k, id, ch, d FROM t;
INSERT INTO v (k, id, ch, d) VALUES ('k9', 9, 'x', '2024-05-01');
SELECT k, id FROM t WHERE id = 9;
