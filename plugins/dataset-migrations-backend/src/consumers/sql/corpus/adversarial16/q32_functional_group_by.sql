SELECT n(t) / 2 AS h, count(*) FROM t GROUP BY n(t) / 2;
