DO $$ BEGIN EXECUTE format('UPDATE %I SET %I = %I / 2', 't', 'n', 'n'); END $$;
SELECT id, n FROM t ORDER BY id;
