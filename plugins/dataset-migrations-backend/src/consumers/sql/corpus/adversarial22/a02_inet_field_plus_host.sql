SELECT id, host(ip + n) AS next_host FROM t ORDER BY id;
