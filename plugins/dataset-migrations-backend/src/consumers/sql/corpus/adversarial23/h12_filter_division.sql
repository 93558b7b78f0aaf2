SELECT count(*) FILTER (WHERE n / 5 = 0) AS small FROM t;
