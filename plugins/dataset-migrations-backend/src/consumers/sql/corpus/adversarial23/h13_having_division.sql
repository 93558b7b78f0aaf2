SELECT s, count(*) FROM t GROUP BY s HAVING max(n) / 5 >= 1 ORDER BY s;
