SELECT (array_agg(n ORDER BY id))[1] / 2 AS half FROM t;
