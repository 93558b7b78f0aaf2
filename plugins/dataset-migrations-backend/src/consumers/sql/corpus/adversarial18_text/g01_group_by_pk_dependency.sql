SELECT k, vc, count(*) AS c FROM t GROUP BY k ORDER BY k;
