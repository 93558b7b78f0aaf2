SELECT id, substring(name FROM s FOR 2) AS part FROM t ORDER BY id;
