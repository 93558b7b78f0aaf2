UPDATE t SET m = m * 0.5;
SELECT id, m FROM t ORDER BY id;
