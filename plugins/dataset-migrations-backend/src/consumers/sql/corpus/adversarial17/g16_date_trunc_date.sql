SELECT id, date_trunc('day', d) AS day FROM t WHERE d IS NOT NULL ORDER BY id;
