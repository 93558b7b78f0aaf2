SELECT id, upper(label) AS code FROM orders ORDER BY octet_length(code) DESC NULLS LAST, id;
