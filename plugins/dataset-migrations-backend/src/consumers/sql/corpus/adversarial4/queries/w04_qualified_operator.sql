SELECT id, n OPERATOR(pg_catalog./) 2 AS h FROM t ORDER BY id;
