SELECT id, length(c) AS l, octet_length(c) AS ol FROM t ORDER BY id;
