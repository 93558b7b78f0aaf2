SELECT format('%s|%s|%s|%L|%s', k, n, s, c, p) AS line, concat(c, '|', d) AS cd FROM t ORDER BY id;
