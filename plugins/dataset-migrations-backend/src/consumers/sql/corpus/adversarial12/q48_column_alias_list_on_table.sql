SELECT x.a, x.b, x.c FROM t AS x(a, b, c) ORDER BY x.a;
