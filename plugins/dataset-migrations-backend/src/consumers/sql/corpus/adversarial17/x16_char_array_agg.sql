SELECT array_agg(c ORDER BY id) AS cs, string_agg(c, ',' ORDER BY id) AS joined FROM t;
