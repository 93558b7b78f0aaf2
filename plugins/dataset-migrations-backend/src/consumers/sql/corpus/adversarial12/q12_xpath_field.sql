SELECT id, (xpath('/r/@k', x))[1]::text AS a FROM t ORDER BY id;
