SELECT n % 3 AS depth, count(*) AS cnt, sum(count(*)) OVER (ORDER BY n % 3) AS run FROM t GROUP BY n % 3 ORDER BY 1;
