SELECT (array_agg(n ORDER BY id))[2] / 2 AS second_half FROM t;
