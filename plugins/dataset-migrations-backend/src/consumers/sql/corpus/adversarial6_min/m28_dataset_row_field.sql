SELECT id, (t).n / 2 AS h FROM t ORDER BY id;
