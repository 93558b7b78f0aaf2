SELECT id, n * 1.5 AS f, n::float8 / 4 AS q FROM t ORDER BY id;
