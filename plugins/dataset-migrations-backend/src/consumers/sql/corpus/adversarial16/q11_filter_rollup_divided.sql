SELECT k, count(*) FILTER (WHERE n / 2 > 1) AS c FROM t GROUP BY ROLLUP (k);
