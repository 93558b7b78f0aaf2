SELECT id, d + 1 AS next_day FROM t ORDER BY id;
