SELECT id, width_bucket(n, -8, 12, 5) AS b FROM t ORDER BY id;
