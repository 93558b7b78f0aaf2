SELECT id, width_bucket(n, 0, 10, 10) AS a, width_bucket(n, 0, 100, 100) AS b, width_bucket(n, 0, 21, 3) AS c, width_bucket(n, 3, 13, 5) AS d FROM t ORDER BY id;
