SELECT k, sum(n) AS n_total FROM t GROUP BY k HAVING sum(n) > 4 ORDER BY k;
