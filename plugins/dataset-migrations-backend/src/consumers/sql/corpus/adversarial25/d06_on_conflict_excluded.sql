INSERT INTO t (id, n, name) VALUES (1, 5, 'x') ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n + t.n;
SELECT id, n FROM t ORDER BY id;
