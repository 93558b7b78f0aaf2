SELECT sum(n) FILTER (WHERE n > 0) / 4 AS q FROM t;
