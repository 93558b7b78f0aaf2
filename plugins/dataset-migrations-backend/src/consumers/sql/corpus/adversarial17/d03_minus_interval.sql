SELECT id, d - interval '1 day' AS prev FROM t WHERE d IS NOT NULL ORDER BY id;
