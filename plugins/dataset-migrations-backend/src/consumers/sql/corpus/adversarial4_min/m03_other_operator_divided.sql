SELECT id, (@ n) / 2 AS h FROM t ORDER BY id;
