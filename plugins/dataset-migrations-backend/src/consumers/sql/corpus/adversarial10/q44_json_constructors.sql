SELECT id, JSON_OBJECT('k' : k, 'n' : n, 'c' : c) AS o, JSON_ARRAY(k, n, p) AS a, JSON_SCALAR(p) AS sp
FROM t ORDER BY id;
