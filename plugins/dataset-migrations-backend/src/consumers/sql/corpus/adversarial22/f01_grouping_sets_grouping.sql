SELECT n, name, GROUPING(n, name) AS g, count(*) FROM t GROUP BY GROUPING SETS ((n), (name), ()) ORDER BY 3, 1, 2;
