SELECT t.id, x FROM t JOIN u x ON x.id = t.id ORDER BY t.id;
