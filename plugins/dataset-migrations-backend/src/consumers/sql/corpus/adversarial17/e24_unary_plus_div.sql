SELECT id, +n / 2 AS h, (n % 4) / 2 AS r FROM t ORDER BY id;
