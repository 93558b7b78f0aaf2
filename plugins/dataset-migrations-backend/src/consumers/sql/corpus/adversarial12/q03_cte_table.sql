WITH x AS (TABLE t) SELECT id, k, n FROM x ORDER BY id;
