SELECT id, ntile(n) OVER (ORDER BY id) AS bucket FROM t ORDER BY id;
