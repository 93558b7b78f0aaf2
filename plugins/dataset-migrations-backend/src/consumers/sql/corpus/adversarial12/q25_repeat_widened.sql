SELECT id, repeat('x', n % 4 + 1) AS r FROM t ORDER BY id;
