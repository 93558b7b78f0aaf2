SELECT a, cc FROM t AS x(a, b, cc) ORDER BY a;
