SELECT sum(s) / 4 AS q FROM t;
