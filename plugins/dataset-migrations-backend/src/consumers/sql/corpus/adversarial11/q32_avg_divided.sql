SELECT k, avg(n) / 2 AS half_avg FROM t GROUP BY k ORDER BY k;
