SELECT id, ts + make_interval(hours => n) AS later FROM t ORDER BY id;
