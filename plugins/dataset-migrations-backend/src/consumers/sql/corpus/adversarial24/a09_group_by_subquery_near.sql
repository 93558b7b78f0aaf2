SELECT x.m, count(*) FROM (SELECT n % 3 AS m FROM t) x GROUP BY m ORDER BY 1;
