SELECT id, k / n AS a, 100 / (n + 1) AS b FROM t ORDER BY id;
