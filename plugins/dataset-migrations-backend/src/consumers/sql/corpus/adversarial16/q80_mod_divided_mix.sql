SELECT id, (n % 4) / 2 AS a, n / 2 * 2 AS b FROM t ORDER BY id;
