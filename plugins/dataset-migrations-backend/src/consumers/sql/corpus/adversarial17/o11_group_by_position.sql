SELECT k, count(*) AS cnt, sum(n) AS total FROM t GROUP BY 1 ORDER BY 1;
