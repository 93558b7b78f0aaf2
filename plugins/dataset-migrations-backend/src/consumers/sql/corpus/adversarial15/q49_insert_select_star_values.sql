WITH ins AS (INSERT INTO w SELECT * FROM t WHERE id < 3 RETURNING *) SELECT id, k, n, m, p, s, c FROM ins ORDER BY id;
