CREATE FUNCTION pg_temp.total2(tbl text) RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE r bigint; BEGIN EXECUTE format('SELECT sum(k) FROM %I', tbl) INTO r; RETURN r; END $$;
SELECT pg_temp.total2(tbl) AS total FROM (VALUES ('t')) v(tbl);
