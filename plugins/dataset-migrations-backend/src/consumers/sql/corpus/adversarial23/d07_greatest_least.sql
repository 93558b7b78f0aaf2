SELECT id, greatest(n, s, 4) AS g, least(n, 5) AS l FROM t ORDER BY id;
