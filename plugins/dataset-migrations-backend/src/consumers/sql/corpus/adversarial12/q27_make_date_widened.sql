SELECT id, make_date(2000 + abs(n), 1, 1) AS y FROM t ORDER BY id;
