SELECT id, make_time(n, 30, 0) AS at FROM t ORDER BY id;
