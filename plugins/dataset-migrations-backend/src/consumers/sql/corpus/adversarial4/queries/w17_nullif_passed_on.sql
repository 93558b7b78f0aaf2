WITH x AS (SELECT id, nullif(n, 0) AS a FROM t) SELECT id, 10 / a AS r FROM x ORDER BY id;
