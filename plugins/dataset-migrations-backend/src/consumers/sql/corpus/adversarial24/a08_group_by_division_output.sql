SELECT n / 5 AS m FROM t GROUP BY m HAVING count(*) > 0 ORDER BY m;
