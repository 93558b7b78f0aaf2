-- Near miss: a value that fits both.
UPDATE t SET n = 5, m = 6 WHERE id = 1;
SELECT id, n, m FROM t ORDER BY id;
