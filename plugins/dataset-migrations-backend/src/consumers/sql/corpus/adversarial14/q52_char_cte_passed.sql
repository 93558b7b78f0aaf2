WITH x AS (SELECT id, c FROM t) SELECT id, c || '|' AS bar, octet_length(c) AS bytes FROM x ORDER BY id;
