-- Near miss: only another field is written.
UPDATE t SET note = 'z' || n WHERE n > 0;
SELECT id, n, note FROM t ORDER BY id;
