SELECT sum(n) * 2 / 3 AS q FROM t;
