SELECT n, s, GROUPING(n, s) AS gr, count(*) FROM t GROUP BY ROLLUP (n, s) ORDER BY 1, 2, 3;
