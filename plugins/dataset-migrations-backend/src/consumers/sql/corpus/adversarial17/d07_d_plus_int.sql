SELECT id, d + 1 AS next_day FROM t WHERE d IS NOT NULL ORDER BY id;
