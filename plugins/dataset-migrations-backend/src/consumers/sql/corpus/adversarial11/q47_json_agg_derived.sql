SELECT json_agg(x ORDER BY x.id) AS rows FROM (SELECT id, k, c FROM t) x;
