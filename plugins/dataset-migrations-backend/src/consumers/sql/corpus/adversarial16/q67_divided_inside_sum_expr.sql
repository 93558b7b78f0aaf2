SELECT id, (n + 1) / 2 AS a, (n * 3) / 2 AS b, -n / 2 AS c, @ n / 2 AS e FROM t ORDER BY id;
