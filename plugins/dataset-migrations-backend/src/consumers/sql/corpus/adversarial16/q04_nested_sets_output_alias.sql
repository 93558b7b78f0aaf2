SELECT n AS x, s, count(*) FROM t GROUP BY GROUPING SETS (x, ROLLUP (x, s));
