SELECT n / 2 AS h, count(*) AS c FROM t GROUP BY ROLLUP (n / 2) ORDER BY h;
