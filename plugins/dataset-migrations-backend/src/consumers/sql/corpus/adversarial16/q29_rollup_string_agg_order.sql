SELECT k, string_agg(s, ',' ORDER BY s) AS names FROM t GROUP BY ROLLUP (k);
