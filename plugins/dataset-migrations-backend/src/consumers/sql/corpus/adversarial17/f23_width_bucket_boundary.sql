SELECT id, width_bucket(n + 10, 0, 23, 23) AS b FROM t ORDER BY id;
