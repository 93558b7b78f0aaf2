SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, MDY';
UPDATE t SET tz = tz + interval '1 hour' WHERE id = 1;
SET DateStyle = 'ISO, MDY';
SET TimeZone = 'UTC';
SELECT id, tz FROM t WHERE id = 1;
