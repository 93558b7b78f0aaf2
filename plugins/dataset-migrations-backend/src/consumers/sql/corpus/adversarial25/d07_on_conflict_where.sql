INSERT INTO t AS x (id, n, name) VALUES (1, 5, 'x'), (2, 9, 'y') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE x.n < EXCLUDED.n;
SELECT id, name FROM t ORDER BY id;
