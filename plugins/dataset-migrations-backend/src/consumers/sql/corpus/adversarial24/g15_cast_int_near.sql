SELECT id, CAST(n AS integer) / 2 AS a, n::int4 / 2 AS b FROM t ORDER BY id;
