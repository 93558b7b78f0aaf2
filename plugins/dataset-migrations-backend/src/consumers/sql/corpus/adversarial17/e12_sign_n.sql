SELECT id, sign(n) / 2 AS half_sign FROM t ORDER BY id;
