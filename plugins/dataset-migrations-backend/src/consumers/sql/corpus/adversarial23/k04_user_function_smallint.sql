CREATE FUNCTION pg_temp.tier(x smallint) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN x > 2 THEN 'high' ELSE 'low' END $$;
SELECT id, pg_temp.tier(s) AS tier FROM t ORDER BY id;
