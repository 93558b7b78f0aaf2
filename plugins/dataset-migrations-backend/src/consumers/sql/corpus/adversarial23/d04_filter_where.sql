SELECT count(*) FILTER (WHERE n > 5) AS big, sum(price) FILTER (WHERE n BETWEEN 2 AND 10) AS mid FROM t;
