SELECT id, format('%2$s-%1$s', n, c) AS f, format('%s/%s', k, NULLIF(n, 0)) AS r FROM t ORDER BY id;
