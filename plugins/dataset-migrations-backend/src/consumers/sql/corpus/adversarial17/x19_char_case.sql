SELECT id, CASE WHEN id > 3 THEN c ELSE 'zz' END AS v, coalesce(c, 'none') AS w FROM t ORDER BY id;
