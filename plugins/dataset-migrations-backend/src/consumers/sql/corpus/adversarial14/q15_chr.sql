SELECT id, chr(n + 64) AS letter FROM t ORDER BY id;
