SELECT id FROM t WHERE f::numeric = 1.1 ORDER BY id;
