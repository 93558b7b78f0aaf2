SELECT id, 1 << n AS bit FROM t WHERE n > 0 ORDER BY id;
