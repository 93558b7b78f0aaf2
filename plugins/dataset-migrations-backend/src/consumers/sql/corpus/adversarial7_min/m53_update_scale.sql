UPDATE t SET p = p / 3 WHERE id = 2;
SELECT id, p FROM t ORDER BY id;
