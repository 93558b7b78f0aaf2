SELECT id, n FROM t WHERE pg_sleep(0) IS NOT NULL OR true ORDER BY id;
