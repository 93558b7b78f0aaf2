SELECT k / 20 AS kk, count(*) AS c FROM t GROUP BY kk ORDER BY 1, 2;
