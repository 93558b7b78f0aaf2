UPDATE t SET p = u.x / 7.0 FROM u WHERE u.id = t.id;
SELECT id, p FROM t ORDER BY id;
