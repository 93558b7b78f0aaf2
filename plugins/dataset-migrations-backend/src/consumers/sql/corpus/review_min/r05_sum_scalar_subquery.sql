SELECT sum((SELECT n FROM t WHERE t.id = u.id)) / 2 AS h FROM u;
