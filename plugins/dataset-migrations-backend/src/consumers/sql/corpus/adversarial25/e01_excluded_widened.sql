INSERT INTO t (id, n, name) VALUES (1, 5, 'x') ON CONFLICT (id) DO UPDATE SET s = EXCLUDED.n / 2;
SELECT id, s FROM t ORDER BY id;
