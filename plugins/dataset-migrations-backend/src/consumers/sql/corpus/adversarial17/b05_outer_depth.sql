SELECT u.id FROM (SELECT id, 2 AS depth FROM u) u WHERE EXISTS (SELECT 1 FROM t WHERE t.id = u.id AND depth = 2) ORDER BY u.id;
