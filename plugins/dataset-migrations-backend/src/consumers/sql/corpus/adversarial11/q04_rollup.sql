SELECT k, s, sum(n) AS total, grouping(k, s) AS g FROM t GROUP BY ROLLUP (k, s) ORDER BY 1, 2;
