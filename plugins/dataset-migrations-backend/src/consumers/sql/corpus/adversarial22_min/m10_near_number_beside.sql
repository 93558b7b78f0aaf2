SELECT id, n + id AS total, n * s AS scaled FROM t ORDER BY id;
