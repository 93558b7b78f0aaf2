CREATE TEMP VIEW v AS SELECT k, id, vc, n FROM t WHERE id < 4;
UPDATE v SET vc = 'new', n = 7 WHERE id = 1;
SELECT id FROM t WHERE id = 1;
