SELECT id FROM t WHERE (k, n) > (20, 4) ORDER BY id;
