SELECT id, n::bit(8) AS bits, to_hex(n) AS hex FROM t WHERE n IS NOT NULL ORDER BY id;
