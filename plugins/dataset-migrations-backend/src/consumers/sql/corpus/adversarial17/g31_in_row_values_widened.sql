SELECT id FROM t WHERE (id, n) IN (VALUES (1, 3), (4, 6)) ORDER BY id;
