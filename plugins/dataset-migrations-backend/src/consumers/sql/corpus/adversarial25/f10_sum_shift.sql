SELECT sum(n) >> 1 AS h FROM t;
