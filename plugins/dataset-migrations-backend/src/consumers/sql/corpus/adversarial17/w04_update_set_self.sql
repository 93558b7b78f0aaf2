UPDATE t SET k = k + 1 WHERE k > 20;
SELECT id, k FROM t ORDER BY id;
