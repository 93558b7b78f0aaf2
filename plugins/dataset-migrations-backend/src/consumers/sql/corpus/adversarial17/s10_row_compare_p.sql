SELECT id FROM t WHERE (p, id) >= (2.5, 0) ORDER BY id;
