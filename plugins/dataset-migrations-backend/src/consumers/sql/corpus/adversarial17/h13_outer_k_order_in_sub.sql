SELECT id, ARRAY(SELECT u.id FROM u ORDER BY abs(u.x - k * 10), u.id LIMIT 2) AS near FROM t ORDER BY id;
