SELECT s.id, (SELECT count(*) FROM t, generate_series(1, depth) g WHERE g <= t.id) AS cnt FROM (SELECT id, 2 AS depth FROM u) s ORDER BY s.id;
