SELECT id, n(t) / 2 AS h FROM t ORDER BY id;
