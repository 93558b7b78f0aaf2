SELECT id, tags[n - 4] AS tag FROM t ORDER BY id;
