SELECT k + 1 AS k1, sum(n) AS total FROM t GROUP BY 1 ORDER BY 2, 1;
