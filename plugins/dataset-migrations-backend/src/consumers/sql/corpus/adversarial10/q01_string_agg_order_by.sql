SELECT s, string_agg(c, ',' ORDER BY k, id) AS cs, array_agg(n ORDER BY k DESC, id) AS ns
FROM t GROUP BY 1 ORDER BY 1;
