SELECT id, d(t) + 1 AS next_day FROM t;
