SELECT n % 3 AS m, count(*) AS c FROM t GROUP BY m ORDER BY m;
