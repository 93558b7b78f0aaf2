SELECT id, j['k'][0] FROM t ORDER BY id;
