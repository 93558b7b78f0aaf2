SELECT s, count(*) AS c FROM t GROUP BY s HAVING sum(n) / 2 >= 1 ORDER BY s;
