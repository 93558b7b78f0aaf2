UPDATE t SET q = 2.5 WHERE id = 1;
SELECT id, q FROM t WHERE id = 1;
