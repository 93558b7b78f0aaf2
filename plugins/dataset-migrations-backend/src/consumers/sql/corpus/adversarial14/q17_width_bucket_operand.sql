SELECT id, width_bucket(n, 0, 10, 5) AS bucket FROM t ORDER BY id;
