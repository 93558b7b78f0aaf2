VALUES ((SELECT format('%s|', ch) FROM t WHERE id = 1), (SELECT d::text FROM t WHERE id = 1));
