SELECT id, ip + n AS next_ip FROM t ORDER BY id;
