SELECT id, n::numeric::text AS nt, (n * 1.0)::text AS ft FROM t ORDER BY id;
