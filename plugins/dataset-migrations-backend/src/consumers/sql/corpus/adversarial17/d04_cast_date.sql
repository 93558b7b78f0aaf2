SELECT id, d::date AS day FROM t WHERE d IS NOT NULL ORDER BY id;
