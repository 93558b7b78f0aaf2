SELECT k, sum(n) / count(*) AS mean FROM t GROUP BY ROLLUP (k);
