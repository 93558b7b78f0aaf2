SELECT id, first_value(n) OVER (ORDER BY id) / 2 AS a, nth_value(n, 2) OVER (ORDER BY id) / 2 AS b FROM t ORDER BY id;
