SELECT id, make_interval(days => n) AS iv FROM t ORDER BY id;
