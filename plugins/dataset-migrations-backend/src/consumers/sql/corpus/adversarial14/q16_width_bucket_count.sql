SELECT id, width_bucket(p, 0, 12, n) AS bucket FROM t ORDER BY id;
