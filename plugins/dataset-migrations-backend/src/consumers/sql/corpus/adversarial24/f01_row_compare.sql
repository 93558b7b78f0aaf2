SELECT id FROM t WHERE (n, s) > (5, 2) ORDER BY id;
