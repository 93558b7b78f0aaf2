WITH c AS (SELECT id, x FROM u) SELECT t.id, c FROM t JOIN c ON c.id = t.id ORDER BY t.id;
