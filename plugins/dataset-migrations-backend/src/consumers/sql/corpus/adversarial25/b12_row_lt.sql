SELECT a.id, b.id AS bid FROM t a JOIN t b ON a.id < 3 AND b.id < 3 AND a < b ORDER BY 1, 2;
