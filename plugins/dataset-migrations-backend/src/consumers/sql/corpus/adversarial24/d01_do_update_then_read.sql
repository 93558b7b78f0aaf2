DO $$ BEGIN UPDATE t SET n = n / 2 WHERE id < 4; END $$;
SELECT id, n FROM t ORDER BY id;
