SELECT id, to_hex(n - 4) AS h FROM t ORDER BY id;
