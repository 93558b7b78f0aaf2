SELECT array_agg(q ORDER BY id) AS qs, array_agg(n ORDER BY id) AS ns FROM t;
