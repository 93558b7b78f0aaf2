SELECT d + 1 AS next_day, count(*) AS c FROM t GROUP BY ROLLUP (d + 1) ORDER BY next_day;
