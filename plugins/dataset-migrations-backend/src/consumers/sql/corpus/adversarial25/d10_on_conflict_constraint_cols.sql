CREATE UNIQUE INDEX t_name_u ON t (name);
INSERT INTO t (id, n, name) VALUES (9, 1, 'Ann') ON CONFLICT (name) DO UPDATE SET n = EXCLUDED.n;
SELECT id, n FROM t ORDER BY id;
