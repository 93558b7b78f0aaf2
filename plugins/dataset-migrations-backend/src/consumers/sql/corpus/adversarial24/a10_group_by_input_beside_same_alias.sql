SELECT n % 3 AS n, count(*) AS c FROM t GROUP BY n ORDER BY 1, 2;
