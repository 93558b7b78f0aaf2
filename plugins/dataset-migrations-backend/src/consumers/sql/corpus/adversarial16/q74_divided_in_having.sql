SELECT k FROM t GROUP BY k HAVING sum(n) / count(*) >= 4 ORDER BY k;
