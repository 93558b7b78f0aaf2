SELECT DISTINCT ON (n / 2) id, n FROM t ORDER BY n / 2, id;
