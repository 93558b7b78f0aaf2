SELECT w.id AS a, t.id AS b FROM t JOIN t AS w ON w.id = t.id + 1 ORDER BY 1;
