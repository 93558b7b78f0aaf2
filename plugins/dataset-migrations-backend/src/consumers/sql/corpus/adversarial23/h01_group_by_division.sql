SELECT n / 5 AS bucket, count(*) AS c FROM t WHERE n IS NOT NULL GROUP BY n / 5 ORDER BY n / 5;
