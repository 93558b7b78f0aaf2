SELECT id, n::"char" AS ch FROM t ORDER BY id;
