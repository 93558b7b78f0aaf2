SELECT n / 2 AS h, grouping(n / 2) AS g, count(*) AS c FROM t GROUP BY ROLLUP (n / 2) ORDER BY h, g;
