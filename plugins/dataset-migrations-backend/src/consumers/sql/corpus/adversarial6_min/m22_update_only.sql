UPDATE ONLY t SET s = 'z' WHERE id = 1;
SELECT id, s FROM t ORDER BY id;
