SELECT n % 3 AS n, count(*) AS c FROM t GROUP BY ROLLUP (n) ORDER BY 1, 2;
