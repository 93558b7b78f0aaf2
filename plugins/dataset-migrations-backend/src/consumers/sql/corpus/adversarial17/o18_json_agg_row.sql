SELECT json_agg(t ORDER BY id) AS rows FROM t WHERE id < 3;
