SELECT t.id, x FROM t JOIN u ON u.id = t.id ORDER BY t.id;
