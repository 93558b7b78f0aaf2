SELECT t.id, u.d + t.n AS due FROM t JOIN u ON u.id = t.id;
