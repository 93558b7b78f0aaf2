SELECT n / 5 AS n, count(*) AS c FROM t GROUP BY n HAVING count(*) > 0 ORDER BY 1, 2;
