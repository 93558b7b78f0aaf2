SELECT k, c, grouping(k, c) AS g, sum(n) AS total FROM t GROUP BY GROUPING SETS ((k), (c), ()) ORDER BY g, k, c;
