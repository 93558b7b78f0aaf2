SELECT k, grouping(k) AS g, sum(n) AS total FROM t GROUP BY ROLLUP (k) ORDER BY k;
