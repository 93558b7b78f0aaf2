SELECT x.a, x.k FROM t x(a, b) ORDER BY x.a;
