SELECT id, ntile(sm) OVER (ORDER BY id) AS tile FROM t ORDER BY id;
