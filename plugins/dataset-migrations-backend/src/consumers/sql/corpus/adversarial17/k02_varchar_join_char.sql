SELECT a.id, b.id AS other FROM t a JOIN t b ON a.s = b.c ORDER BY 1, 2;
