SELECT k, count(*) / min(n) AS a FROM t GROUP BY k ORDER BY k;
