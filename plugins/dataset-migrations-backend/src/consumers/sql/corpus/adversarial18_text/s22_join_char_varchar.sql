SELECT t.id, u.id AS uid FROM t JOIN u ON t.ch = u.ch AND t.vc = u.vc ORDER BY 1, 2;
