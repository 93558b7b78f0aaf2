SELECT id, COALESCE(n, m, 0) / 4 AS q FROM t ORDER BY id;
