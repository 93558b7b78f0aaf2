SELECT k, string_agg(DISTINCT c, ',' ORDER BY c) AS cs FROM t GROUP BY k ORDER BY k;
