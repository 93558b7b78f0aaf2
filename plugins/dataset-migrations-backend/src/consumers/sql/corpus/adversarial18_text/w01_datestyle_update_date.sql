SET DateStyle = 'SQL, DMY';
UPDATE t SET d = d + 1 WHERE id = 1;
SET DateStyle = 'ISO, MDY';
SELECT id, d FROM t WHERE id = 1;
