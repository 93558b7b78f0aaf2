SELECT id, j['k'] FROM t ORDER BY id;
