CREATE FUNCTION pg_temp.tier2(x integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN x > 1 THEN 'high' ELSE 'low' END $$;
SELECT id, pg_temp.tier2(s + 0) AS tier FROM t ORDER BY id;
