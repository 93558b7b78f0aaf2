SELECT k, (SELECT count(*) FROM u WHERE u.x > k) AS above FROM t GROUP BY k ORDER BY k;
