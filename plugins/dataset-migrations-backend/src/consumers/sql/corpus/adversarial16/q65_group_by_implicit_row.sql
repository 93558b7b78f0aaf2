SELECT k, n, count(*) AS c FROM t GROUP BY (k, n) ORDER BY k, n;
