SELECT k + n AS x, count(*) FROM t GROUP BY GROUPING SETS (x, ());
