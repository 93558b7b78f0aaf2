SELECT (SELECT array_agg(x ORDER BY x.id) FROM t x)::text = (SELECT array_agg(b ORDER BY b.id) FROM tb b)::text AS same;
