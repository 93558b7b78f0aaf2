SELECT id, greatest(n, 2) / 2 AS g, least(n, m) / 2 AS l FROM t ORDER BY id;
