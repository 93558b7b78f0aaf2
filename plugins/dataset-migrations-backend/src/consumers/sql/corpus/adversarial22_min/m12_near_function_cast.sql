CREATE FUNCTION pg_temp.tier(x smallint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN x > 1 THEN 'high' ELSE 'low' END $$;
SELECT id, pg_temp.tier(s::smallint) AS tier FROM t ORDER BY id;
