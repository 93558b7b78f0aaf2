SELECT t.id, (u).label AS label FROM t JOIN u ON u.id = t.id ORDER BY t.id;
