SELECT id FROM t WHERE (n / 2, s) = (3, 4) ORDER BY id;
