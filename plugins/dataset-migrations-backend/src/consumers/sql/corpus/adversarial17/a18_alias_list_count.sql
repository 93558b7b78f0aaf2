SELECT count(cc) AS cnt, sum(cc) AS total FROM t AS x(a, b, cc);
