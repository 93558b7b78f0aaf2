SELECT d, grouping(d) AS g, count(*) AS c FROM t GROUP BY ROLLUP (1) ORDER BY 1, 2;
