SELECT n % 3 AS v, count(*) AS c FROM t GROUP BY v ORDER BY v;
