SELECT a.id, b.id AS other FROM t a JOIN t b ON a.c = b.c AND a.id < b.id ORDER BY a.id, b.id;
