SELECT id, d + n AS later FROM t WHERE n IS NOT NULL ORDER BY id;
