SELECT id, n % 3 AS n FROM t ORDER BY -n, id;
