SELECT (SELECT max(n) FROM t) / 2 AS half;
