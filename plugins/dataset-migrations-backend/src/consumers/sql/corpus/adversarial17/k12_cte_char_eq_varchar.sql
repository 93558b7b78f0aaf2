WITH w AS (SELECT id, c FROM t) SELECT t.id FROM t JOIN w ON w.c = t.s ORDER BY 1;
