SELECT x.a, x.i, x.h FROM orders AS x(a, b, c, d, e, f, g, h, i) ORDER BY x.a;
