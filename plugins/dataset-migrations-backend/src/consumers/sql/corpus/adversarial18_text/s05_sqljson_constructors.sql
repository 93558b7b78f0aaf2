SELECT id, JSON_OBJECT('c' : ch, 'd' : d) AS o, JSON_ARRAY(ch, vc, d, ts) AS a, JSON_SCALAR(d) AS s FROM t ORDER BY id;
