INSERT INTO u (id, v, label) SELECT id + 100, n, name FROM t WHERE n IS NOT NULL;
SELECT id, v, label FROM u ORDER BY id;
