SELECT a, cc FROM (SELECT * FROM t) AS z(a, b, cc) ORDER BY a;
