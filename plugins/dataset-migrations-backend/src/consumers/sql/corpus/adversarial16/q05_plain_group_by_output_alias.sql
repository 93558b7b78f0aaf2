SELECT n AS x, count(*) FROM t GROUP BY x;
