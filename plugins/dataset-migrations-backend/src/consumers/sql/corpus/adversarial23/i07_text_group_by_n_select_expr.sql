SELECT n * 2 AS dbl, count(*) FROM t GROUP BY n ORDER BY 1;
