SELECT id, host(ip - s) AS prev_host FROM t ORDER BY id;
