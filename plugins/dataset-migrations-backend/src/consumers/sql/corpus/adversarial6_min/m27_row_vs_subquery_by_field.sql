SELECT id FROM t WHERE (n, 1) = (SELECT x / 20, 1 FROM u WHERE u.id = 1) ORDER BY id;
