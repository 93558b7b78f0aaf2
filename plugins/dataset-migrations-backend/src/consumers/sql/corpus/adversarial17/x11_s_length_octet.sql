SELECT id, octet_length(s) AS bytes, upper(s) AS up FROM t ORDER BY id;
