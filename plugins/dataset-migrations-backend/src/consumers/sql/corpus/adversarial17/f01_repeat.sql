SELECT id, repeat('*', n) AS bar FROM t ORDER BY id;
