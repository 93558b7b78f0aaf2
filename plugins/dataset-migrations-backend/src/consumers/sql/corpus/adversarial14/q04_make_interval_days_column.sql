SELECT id, make_interval(days => days) AS span FROM t ORDER BY id;
