SELECT id, n::bit(4) AS bits FROM t ORDER BY id;
