SELECT t.id, u.label FROM t JOIN u ON u.v / 10 = t.n / 4 ORDER BY 1, 2;
