SELECT k, d, count(*) FROM t GROUP BY GROUPING SETS ((1), (2), ()) ORDER BY 1, 2;
