SELECT id, lpad(s, n, '*') AS padded FROM t ORDER BY id;
