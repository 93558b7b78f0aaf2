SELECT id, nullif(n, 0) / 2 AS a, abs(n) / 2 AS b, greatest(n, 1) / 2 AS c, coalesce(n, 0) / 2 AS d FROM t ORDER BY id;
