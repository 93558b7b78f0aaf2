SELECT * FROM t AS x(a, b) ORDER BY a;
