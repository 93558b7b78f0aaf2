SELECT id, make_interval(days => n) AS span FROM t ORDER BY id;
