SET DateStyle = 'SQL, DMY';
UPDATE t SET ts = ts + interval '1 hour' WHERE id = 1;
SET DateStyle = 'ISO, MDY';
SELECT id, ts FROM t WHERE id = 1;
