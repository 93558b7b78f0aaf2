SELECT id, d - date '2024-01-01' AS days FROM t ORDER BY id;
