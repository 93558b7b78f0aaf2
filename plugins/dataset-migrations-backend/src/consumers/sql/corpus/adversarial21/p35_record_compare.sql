SELECT a.id, b.id AS bid FROM t a, t b WHERE a < b ORDER BY 1, 2;
