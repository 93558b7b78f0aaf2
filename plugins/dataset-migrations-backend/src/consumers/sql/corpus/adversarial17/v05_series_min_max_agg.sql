SELECT generate_series(min(id), max(id)) AS g FROM t ORDER BY g;
