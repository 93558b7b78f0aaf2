SELECT id, JSON_SCALAR(n)::text AS sc, JSON_ARRAY(n, s)::text AS arr FROM t ORDER BY id;
