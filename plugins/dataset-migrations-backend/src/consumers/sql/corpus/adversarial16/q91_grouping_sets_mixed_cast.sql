SELECT date_trunc('month', d) AS mon, grouping(date_trunc('month', d)) AS g, count(*) AS c FROM t GROUP BY ROLLUP (date_trunc('month', d)) ORDER BY mon, g;
