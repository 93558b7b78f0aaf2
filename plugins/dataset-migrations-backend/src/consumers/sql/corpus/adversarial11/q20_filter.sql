SELECT count(*) FILTER (WHERE n > 6) AS big, sum(n) FILTER (WHERE c = 'ab') AS ab FROM t;
