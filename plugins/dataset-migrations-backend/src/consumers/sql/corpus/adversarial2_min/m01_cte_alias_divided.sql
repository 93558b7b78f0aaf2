WITH x AS (SELECT id, n AS a FROM t)
SELECT id, a / 4 AS quarter FROM x ORDER BY id;
