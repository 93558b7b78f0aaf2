SELECT id, to_hex(n) AS h FROM t ORDER BY id;
