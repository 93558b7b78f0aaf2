SELECT id, (SELECT n / 2 FROM u WHERE u.id = 1) AS h FROM t ORDER BY id;
