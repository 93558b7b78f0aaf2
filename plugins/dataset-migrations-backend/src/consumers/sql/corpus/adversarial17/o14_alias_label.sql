SELECT t.id, u.label FROM t JOIN u ON u.id = t.id ORDER BY label;
