SELECT a.id FROM t a JOIN t b ON a.id = b.id WHERE a *= b ORDER BY 1;
