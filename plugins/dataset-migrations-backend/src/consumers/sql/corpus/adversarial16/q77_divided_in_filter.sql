SELECT count(*) FILTER (WHERE n / 2 = 2) AS c FROM t;
