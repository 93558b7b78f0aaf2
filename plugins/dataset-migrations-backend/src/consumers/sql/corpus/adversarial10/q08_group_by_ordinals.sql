SELECT k, count(*) AS cnt, sum(n) AS total, max(s) AS top FROM t GROUP BY 1 ORDER BY 2 DESC, 1;
