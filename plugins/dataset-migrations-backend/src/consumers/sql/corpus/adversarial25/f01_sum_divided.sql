SELECT sum(n) / 2 AS h FROM t;
