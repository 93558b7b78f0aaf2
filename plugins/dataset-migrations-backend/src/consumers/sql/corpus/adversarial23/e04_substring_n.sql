SELECT id, substring(name, 1, n) AS part FROM t ORDER BY id;
