SELECT k, n, sum(p) AS total FROM t GROUP BY ROLLUP (1, 2) ORDER BY 1, 2;
