SELECT id, ch || '|' AS a, concat(ch, '|') AS b, length(ch) AS c, octet_length(ch) AS e, format('%s|%L', ch, ch) AS f, md5(ch) AS g, rpad(ch, 6, '*') AS h FROM t ORDER BY id;
