SELECT (array_agg(n ORDER BY id))[1] / 2 AS first_half FROM t;
