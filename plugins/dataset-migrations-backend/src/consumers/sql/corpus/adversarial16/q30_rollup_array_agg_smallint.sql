SELECT k, array_agg(m ORDER BY m) AS ms FROM t GROUP BY ROLLUP (k);
