SELECT id, repeat('*', width_bucket(n, 0, 10, 5)) AS bar FROM t ORDER BY id;
