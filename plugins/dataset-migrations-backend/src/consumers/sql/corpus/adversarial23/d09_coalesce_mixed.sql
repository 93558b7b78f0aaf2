SELECT id, coalesce(n, s, 0) AS c, coalesce(n::text, 'none') AS t FROM t ORDER BY id;
