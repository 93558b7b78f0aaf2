SELECT (SELECT max(n) FROM t) / 4 AS top;
