SELECT string_agg(DISTINCT c, ',' ORDER BY c) AS cs, string_agg(DISTINCT s::text, ';') AS ss FROM t;
