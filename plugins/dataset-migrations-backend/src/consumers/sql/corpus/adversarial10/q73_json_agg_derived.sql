SELECT json_agg(x ORDER BY x.id) AS docs FROM (SELECT id, k AS key, c, s FROM t) x;
