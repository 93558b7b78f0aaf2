SELECT (s.*).n / 2 AS half FROM (SELECT * FROM t) s;
