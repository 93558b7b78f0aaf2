SELECT s % 2 AS m, sum(price) AS total FROM t GROUP BY 1 ORDER BY m;
