SELECT n + 1 AS next, count(*) FROM t GROUP BY n + 1 ORDER BY n + 1;
