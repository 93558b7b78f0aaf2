SELECT id, n * interval '1 hour' AS dur FROM t ORDER BY id;
