CREATE FUNCTION r23_tier(x smallint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN x > 1 THEN 'high' ELSE 'low' END $$;
SELECT id, r23_tier(s) AS r23_tier FROM t ORDER BY id;
