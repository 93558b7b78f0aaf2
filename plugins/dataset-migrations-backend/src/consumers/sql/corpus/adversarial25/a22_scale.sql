SELECT id, scale(n) AS sc, min_scale(n) AS ms FROM t ORDER BY id;
