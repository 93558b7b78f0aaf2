CREATE FUNCTION pg_temp.big_orders() RETURNS SETOF integer LANGUAGE sql AS $f$ SELECT id FROM orders WHERE amount > 20 $f$;
SELECT * FROM pg_temp.big_orders() ORDER BY 1;
