SELECT id, lag(n) OVER (ORDER BY id) / 2 AS prev_half FROM t ORDER BY id;
