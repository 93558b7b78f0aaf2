SELECT id, abs(n)::"char" AS c FROM t ORDER BY id;
