SELECT id, n + id AS total, d - n AS earlier FROM t ORDER BY id;
