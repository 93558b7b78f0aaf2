CREATE FUNCTION pg_temp.describe(x smallint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'small ' || x $$;
CREATE FUNCTION pg_temp.describe(x integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'int ' || x $$;
SELECT id, pg_temp.describe(s) AS what FROM t ORDER BY id;
