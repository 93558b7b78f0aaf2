SELECT u.id FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t.k = u.kk AND label = 'one') ORDER BY u.id;
