SELECT id, date_trunc('month', d) AS month FROM t ORDER BY id;
