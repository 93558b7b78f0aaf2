SELECT id, octet_length(code) AS ol, format('[%s]', code) AS f, concat(code, '|') AS c, code = 'ab' AS is_ab FROM orders ORDER BY id;
