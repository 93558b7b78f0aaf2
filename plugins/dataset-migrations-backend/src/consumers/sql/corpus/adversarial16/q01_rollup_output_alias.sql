SELECT n AS x, count(*) AS c FROM t GROUP BY ROLLUP (x) ORDER BY x, c;
