SELECT DISTINCT ON (n) id, name FROM t ORDER BY n, id;
