SELECT id, lag(name, s) OVER (ORDER BY id) AS prev FROM t WHERE s IS NOT NULL ORDER BY id;
