CREATE FUNCTION pg_temp.total(tbl text) RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE r bigint; BEGIN EXECUTE format('SELECT sum(k) FROM %I', tbl) INTO r; RETURN r; END $$;
SELECT pg_temp.total('t') AS total;
