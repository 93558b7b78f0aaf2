SELECT id, '[' || (CASE WHEN id % 2 = 0 THEN s ELSE c END) || ']' AS v FROM t ORDER BY id;
