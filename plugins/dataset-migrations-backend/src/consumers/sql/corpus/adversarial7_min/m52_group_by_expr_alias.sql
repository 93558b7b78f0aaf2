SELECT k / 20 AS kk, sum(n) AS s FROM t GROUP BY 1 ORDER BY kk;
