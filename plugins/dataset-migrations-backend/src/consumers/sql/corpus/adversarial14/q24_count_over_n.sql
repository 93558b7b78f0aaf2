SELECT k, count(*) / max(n) AS r FROM t GROUP BY k ORDER BY k;
