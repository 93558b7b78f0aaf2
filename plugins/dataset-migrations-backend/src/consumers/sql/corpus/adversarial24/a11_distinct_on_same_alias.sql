SELECT DISTINCT ON (n) n % 3 AS n, id FROM t ORDER BY n, id;
