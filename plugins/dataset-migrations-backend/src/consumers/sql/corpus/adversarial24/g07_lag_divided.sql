SELECT id, lag(n) OVER (ORDER BY id) / 2 AS half FROM t ORDER BY id;
