SELECT id FROM t WHERE (k, n) > (10, 5) ORDER BY id;
