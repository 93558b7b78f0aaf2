SELECT id % 2 AS kk, count(*) AS c FROM t GROUP BY kk ORDER BY kk;
