SELECT array_agg(n ORDER BY id) AS ns FROM t;
