SELECT id, ntile(q) OVER (ORDER BY id) AS tile FROM t ORDER BY id;
