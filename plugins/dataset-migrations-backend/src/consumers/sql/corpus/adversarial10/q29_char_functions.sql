SELECT id, octet_length(c) AS ol, c || '|' AS cc, c::text AS ct, length(c) AS len, c = 'ab  ' AS padded,
       upper(c) AS up, c LIKE 'ab%' AS starts
FROM t ORDER BY id;
