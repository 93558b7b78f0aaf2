SELECT id, (CASE WHEN n > 4 THEN n END) / 2 AS big_half FROM t ORDER BY id;
