SELECT id, sum(n) OVER (ORDER BY id) / 3 AS h FROM t ORDER BY id;
