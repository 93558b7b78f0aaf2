SELECT s, count(*) FROM t GROUP BY s, n ORDER BY n DESC, s;
