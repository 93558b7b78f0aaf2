SELECT t.id, u.label FROM t JOIN u ON u.id = n / 2 ORDER BY t.id;
