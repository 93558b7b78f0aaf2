WITH x AS (SELECT id, n || ' days' AS span FROM t) SELECT id, span::interval AS i FROM x ORDER BY id;
