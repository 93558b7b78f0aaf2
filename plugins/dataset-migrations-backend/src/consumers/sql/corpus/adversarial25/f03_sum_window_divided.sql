SELECT id, sum(n) OVER (ORDER BY id) / 2 AS h FROM t ORDER BY id;
