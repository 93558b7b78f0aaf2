SELECT n % 2 AS x, m, sum(p) AS total FROM t GROUP BY CUBE (x, m);
