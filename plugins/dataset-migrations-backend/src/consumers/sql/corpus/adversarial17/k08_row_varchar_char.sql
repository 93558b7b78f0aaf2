SELECT id FROM t WHERE (s, 1) = (c, 1) ORDER BY id;
