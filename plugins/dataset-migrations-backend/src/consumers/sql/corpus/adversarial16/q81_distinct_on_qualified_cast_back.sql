SELECT DISTINCT ON (t.d) d, id FROM t ORDER BY d, id;
