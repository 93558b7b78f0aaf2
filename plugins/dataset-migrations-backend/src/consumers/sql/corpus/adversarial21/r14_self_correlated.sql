SELECT id, (SELECT n FROM t t2 WHERE t2.id = t.id) FROM t ORDER BY id;
