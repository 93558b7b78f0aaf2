SELECT id, n / 2 AS half, n % 3 AS r FROM t ORDER BY id;
