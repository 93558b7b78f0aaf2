SELECT id, octet_length(COALESCE(s, c)) AS len, COALESCE(s, c) = 'q' AS is_q FROM t ORDER BY id;
