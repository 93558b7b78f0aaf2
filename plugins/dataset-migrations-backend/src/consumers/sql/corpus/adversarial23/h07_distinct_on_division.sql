SELECT DISTINCT ON (n / 5) id, name FROM t ORDER BY n / 5, id;
