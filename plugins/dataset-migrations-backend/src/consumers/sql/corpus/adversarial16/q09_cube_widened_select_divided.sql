SELECT n, n / 2 AS h, count(*) AS c FROM t GROUP BY CUBE (n) ORDER BY n;
