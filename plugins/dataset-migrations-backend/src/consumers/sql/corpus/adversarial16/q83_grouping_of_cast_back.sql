SELECT d, grouping(d) AS g, count(*) AS c FROM t GROUP BY ROLLUP (d) ORDER BY d, g;
