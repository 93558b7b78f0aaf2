WITH w AS (SELECT * FROM t) SELECT a, cc FROM w AS z(a, b, cc) ORDER BY a;
