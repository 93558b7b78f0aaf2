DELETE FROM t USING u WHERE u.id = t.id AND label = 'two';
SELECT id FROM t ORDER BY id;
