SELECT id FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t.id = u.id AND label = 'one') ORDER BY id;
