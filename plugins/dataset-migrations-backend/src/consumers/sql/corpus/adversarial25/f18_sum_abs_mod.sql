SELECT abs(sum(n)) / 4 AS q, sum(n) % 4 AS r FROM t;
