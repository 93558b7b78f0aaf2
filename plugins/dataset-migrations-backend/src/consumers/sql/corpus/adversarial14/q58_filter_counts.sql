SELECT count(*) FILTER (WHERE c = 'ab') AS ab, count(*) FILTER (WHERE n > 2) AS big, sum(n) FILTER (WHERE k > 10) / count(*) AS ratio FROM t;
