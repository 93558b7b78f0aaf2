SELECT id, sum(n) OVER (ORDER BY id) / 2 AS half FROM t ORDER BY id;
