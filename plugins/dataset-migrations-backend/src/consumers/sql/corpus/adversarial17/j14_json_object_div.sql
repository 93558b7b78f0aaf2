SELECT id, JSON_OBJECT('h': n / 2) AS j FROM t ORDER BY id;
