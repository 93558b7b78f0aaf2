DO $$ BEGIN INSERT INTO u (id, v, label) SELECT id + 10, n / 2, name FROM t WHERE n IS NOT NULL; END $$;
SELECT id, v, label FROM u ORDER BY id;
