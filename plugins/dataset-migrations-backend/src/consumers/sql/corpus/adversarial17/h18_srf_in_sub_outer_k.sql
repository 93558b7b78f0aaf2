SELECT id, (SELECT count(*) FROM u, generate_series(1, k / 10) g WHERE g <= u.id) AS cnt FROM t ORDER BY id;
