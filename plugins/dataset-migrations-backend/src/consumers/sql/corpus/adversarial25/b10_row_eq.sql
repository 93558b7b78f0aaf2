SELECT a.id FROM t a JOIN t b ON a = b ORDER BY 1;
