SELECT json_agg(x ORDER BY x.id)::text FROM (SELECT id, n, name FROM t) x;
