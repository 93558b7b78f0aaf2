SELECT id FROM t WHERE (n, m) > (4, 0) ORDER BY id;
