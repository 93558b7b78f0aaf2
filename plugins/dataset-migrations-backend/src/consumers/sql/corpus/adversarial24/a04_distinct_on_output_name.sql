SELECT DISTINCT ON (m) n % 3 AS m, id FROM t ORDER BY m, id;
