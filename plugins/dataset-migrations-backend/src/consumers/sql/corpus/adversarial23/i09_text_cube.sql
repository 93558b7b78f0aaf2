SELECT n, s, count(*) FROM t GROUP BY CUBE (n, s) ORDER BY 1, 2, 3;
