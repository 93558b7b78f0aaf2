SELECT n % 3 AS m, count(*) AS c FROM t GROUP BY GROUPING SETS ((m), ()) ORDER BY m;
