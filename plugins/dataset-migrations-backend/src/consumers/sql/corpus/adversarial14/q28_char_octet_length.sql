SELECT id, octet_length(c) AS bytes, length(c) AS len FROM t ORDER BY id;
