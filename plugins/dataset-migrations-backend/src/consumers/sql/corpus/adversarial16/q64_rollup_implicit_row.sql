SELECT k, n, sum(p) AS total FROM t GROUP BY GROUPING SETS ((k, n), ()) ORDER BY k, n;
