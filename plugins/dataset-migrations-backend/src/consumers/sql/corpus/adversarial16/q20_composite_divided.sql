SELECT (t).n / 2 AS h FROM t;
