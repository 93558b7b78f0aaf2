UPDATE t SET p = p / 3;
SELECT id, p FROM t ORDER BY id;
