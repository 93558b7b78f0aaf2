SELECT id, j['a'] AS a, j['b']['c'] AS bc FROM t ORDER BY id;
