SELECT k, string_agg(n::text, ',' ORDER BY n) AS ns FROM t GROUP BY k ORDER BY k;
