WITH x AS (SELECT id, j, n FROM t) SELECT id, j - n AS rest FROM x ORDER BY id;
