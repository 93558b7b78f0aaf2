SELECT x.a, x.n FROM t AS x(a, b, cc) ORDER BY x.a;
