SELECT DISTINCT ON (d) t.d, id FROM t ORDER BY t.d, id;
