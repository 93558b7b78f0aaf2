SELECT id, j['a'] AS a, ('[10, 20]'::jsonb)[1] AS second, n FROM t ORDER BY id;
