SELECT id, mod(n, 4) / 2 AS half FROM t ORDER BY id;
