SELECT id, bp, octet_length(bp) AS o FROM t ORDER BY id;
