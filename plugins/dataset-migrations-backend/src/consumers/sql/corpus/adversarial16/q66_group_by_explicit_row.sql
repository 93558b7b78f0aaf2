SELECT ROW(k, n) AS r, count(*) AS c FROM t GROUP BY ROW(k, n);
