SELECT n.k, n.total FROM (SELECT k, sum(n) AS total FROM t GROUP BY k) AS n ORDER BY n.k;
