SELECT k, sum(n) AS total FROM t GROUP BY ROLLUP (k) HAVING grouping(k) = 1 OR sum(n) > 3;
