UPDATE t SET n = u.x FROM u WHERE u.id = t.id AND label = 'one';
SELECT id, n FROM t ORDER BY id;
