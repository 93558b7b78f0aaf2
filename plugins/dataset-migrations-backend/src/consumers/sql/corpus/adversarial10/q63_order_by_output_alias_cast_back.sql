SELECT id, upper(c) AS c, lower(s) AS s FROM t ORDER BY c DESC, s, id;
