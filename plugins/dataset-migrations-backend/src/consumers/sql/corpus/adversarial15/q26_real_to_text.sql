SELECT id, f::text AS ft, format('%s', f) AS ff FROM t ORDER BY id;
